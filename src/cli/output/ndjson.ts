import type { ConnectionRecord } from '../../model/record.js';

/**
 * JSON escapes C0 controls but leaves DEL, the C1 range (U+0080–U+009F, where U+009B is a CSI to some terminals) and
 * bidirectional overrides as they are; wire strings can hold them, so they are escaped too. The line stays valid JSON.
 */
const UNSAFE_IN_JSON = /[\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

function escapeUnsafe(char: string): string {
  return `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** One connection record as one NDJSON line (no trailing newline). */
export function recordToNdjson(record: ConnectionRecord): string {
  return JSON.stringify(record).replace(UNSAFE_IN_JSON, escapeUnsafe);
}
