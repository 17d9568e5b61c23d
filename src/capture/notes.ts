import type { CaptureNote } from './types.js';

/**
 * Notes a capture keeps at most: a hostile file could otherwise grow the list by one per block.
 * Past the cap one last note says that more were dropped.
 */
export const MAX_NOTES = 50;

export function addNote(notes: CaptureNote[], kind: CaptureNote['kind'], message: string, offset: number): void {
  if (notes.length < MAX_NOTES) {
    notes.push({ kind, message, offset });
  } else if (notes.length === MAX_NOTES) {
    notes.push({ kind: 'format', message: `more than ${MAX_NOTES} notes about this file; the rest are not kept`, offset });
  }
}
