import type { Report } from './types.js';

/**
 * JSON escapes C0 controls but leaves DEL, C1 controls and bidi overrides as they are; wire strings (SNI) can hold
 * them and a report is often read in a terminal or an editor, so they are escaped too. The text stays valid JSON.
 */
const UNSAFE_IN_JSON = /[\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]/g;

function escapeUnsafe(char: string): string {
  return `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/**
 * The report as JSON, exactly the Report shape (src/report/types.ts), indented. No generation time is added, so the
 * same inputs always give the same bytes.
 */
export function renderJson(report: Report): string {
  return JSON.stringify(report, null, 2).replace(UNSAFE_IN_JSON, escapeUnsafe) + '\n';
}
