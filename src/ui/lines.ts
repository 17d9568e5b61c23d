import { wrap } from './format.js';
import type { Tone } from './theme.js';

/**
 * The detail view is built as plain lines of toned text before anything is rendered: the layout (wrapping, columns,
 * scrolling) is then exact and testable, and Ink draws only the lines that fit on screen.
 */
export interface Segment {
  text: string;
  tone: Tone;
  bold?: boolean;
}

export type Line = Segment[];

export function seg(text: string, tone: Tone = 'plain', bold = false): Segment {
  return bold ? { text, tone, bold } : { text, tone };
}

export function lineText(line: Line): string {
  let text = '';
  for (const s of line) text += s.text;
  return text;
}

/** `text` wrapped to `width`: the first line after `lead`, the others indented to line up under it. */
export function wrapped(lead: Segment[], text: string, tone: Tone, width: number): Line[] {
  let leadWidth = 0;
  for (const s of lead) leadWidth += s.text.length;
  const pieces = wrap(text, Math.max(8, width - leadWidth));
  const indent = ' '.repeat(leadWidth);
  return pieces.map((piece, i) => (i === 0 ? [...lead, seg(piece, tone)] : [seg(indent), seg(piece, tone)]));
}

export function heading(text: string): Line {
  return [seg(text, 'accent', true)];
}

export const BLANK: Line = [];
