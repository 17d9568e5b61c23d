import { sanitizeForTerminal } from '../model/sanitize.js';

const HTML_SPECIAL = /[&<>"']/g;
const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(HTML_SPECIAL, (c) => ENTITIES[c]);
}

/**
 * Text from the wire or the file system for an HTML page: controls and bidi overrides escaped as for a terminal (so
 * an SNI cannot reorder what the reader sees), cut to `limit`, then HTML-escaped. Never inject such text otherwise.
 */
export function wireHtml(text: string, limit = 200): string {
  return escapeHtml(sanitizeForTerminal(text, limit));
}
