import { renderCsv } from './csv.js';
import { renderHtml } from './html.js';
import { renderJson } from './json.js';
import { renderMarkdown, type RenderOptions } from './markdown.js';
import type { Report } from './types.js';

export type ReportFormat = 'md' | 'html' | 'csv' | 'json';

/** Every output format and how it is written. */
export const REPORT_FORMATS: Readonly<Record<ReportFormat, (report: Report, options: RenderOptions) => string>> = {
  md: renderMarkdown,
  html: renderHtml,
  csv: (report) => renderCsv(report),
  json: (report) => renderJson(report),
};

/** File extensions (lower case, with the dot) and the format each picks. */
const EXTENSIONS: Readonly<Record<string, ReportFormat>> = {
  '.md': 'md',
  '.markdown': 'md',
  '.html': 'html',
  '.htm': 'html',
  '.csv': 'csv',
  '.json': 'json',
};

/** The format an output file name asks for, or null when its extension names none. */
export function formatForPath(path: string): ReportFormat | null {
  const dot = path.lastIndexOf('.');
  if (dot < 0 || dot < path.lastIndexOf('/')) return null;
  return EXTENSIONS[path.slice(dot).toLowerCase()] ?? null;
}

export function isReportFormat(name: string): name is ReportFormat {
  return Object.hasOwn(REPORT_FORMATS, name);
}
