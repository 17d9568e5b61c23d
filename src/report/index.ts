/** Batch reports: connection summaries folded into one report, written as Markdown, HTML, CSV or JSON. */
export { Aggregator, formatEndpoint } from './aggregator.js';
export { formatForPath, isReportFormat, REPORT_FORMATS, type ReportFormat } from './formats.js';
export type { RenderOptions } from './markdown.js';
export { formatProgress, type ProgressState } from './progress.js';
export { summarizeJson, summarizeNdjsonLine, summarizeRecord, UNDIAGNOSED } from './summary.js';
export type * from './types.js';
