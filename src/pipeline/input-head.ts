/**
 * Tells an NDJSON record file from a capture by its first bytes, the same way whether they come from a file, standard
 * input or a pipe. No I/O here: the readers in worker-input.ts hand over what they have read.
 */
import { constants as zlibConstants, gunzipSync } from 'node:zlib';

/** NDJSON, something else (a capture, or what the capture reader will name), or too few bytes yet to say. */
export type HeadVerdict = 'ndjson' | 'other' | 'more';

/**
 * Compressed bytes a gzip input is judged by. Their decompressed start is all the judgement needs; 4 KiB holds the
 * header of any gzip writer (a file name, a comment) and the first deflate block's opening, and inflates to at most
 * a few MB whatever it holds (deflate's ratio is at most 1032:1).
 */
export const GZIP_HEAD_BYTES = 4096;

const UTF8_BOM = [0xef, 0xbb, 0xbf];
/** pcapng's Section Header Block type (draft-ietf-opsawg-pcapng §4.1): it begins with LF CR, which is blank space. */
const PCAPNG_MAGIC = [0x0a, 0x0d, 0x0d, 0x0a];

/** How `head` stands to `magic`: it begins with all of it, with a part of it (and has no more bytes), or neither. */
function against(head: Buffer, magic: readonly number[]): 'whole' | 'part' | 'no' {
  const n = Math.min(head.length, magic.length);
  for (let i = 0; i < n; i++) if (head[i] !== magic[i]) return 'no';
  return head.length >= magic.length ? 'whole' : 'part';
}

function isBlank(byte: number): boolean {
  return byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d;
}

/**
 * Judges the first bytes of uncompressed input (`ended`: there are no more). NDJSON begins, after an optional UTF-8
 * byte order mark, with '{' or with blank space: no capture format begins with '{', a BOM, or blank space other than
 * pcapng's magic, which is checked first. So a file of records after any number of blank lines is NDJSON, decided by its
 * first bytes alone, and a text file that is neither says why in the NDJSON reader's words ("no connection record").
 */
export function judgePlainHead(head: Buffer, ended: boolean): HeadVerdict {
  let bytes = head;
  const bom = against(bytes, UTF8_BOM);
  if (bom === 'part') return ended ? 'other' : 'more';
  if (bom === 'whole') bytes = bytes.subarray(UTF8_BOM.length);
  if (bytes.length === 0) return ended ? (bom === 'whole' ? 'ndjson' : 'other') : 'more';
  if (bom === 'no') {
    const pcapng = against(bytes, PCAPNG_MAGIC);
    if (pcapng === 'whole') return 'other';
    if (pcapng === 'part' && !ended) return 'more';
  }
  return bytes[0] === 0x7b || isBlank(bytes[0]) ? 'ndjson' : 'other';
}

/** Whether `head` is gzip's magic (RFC 1952 §2.3.1); a single 0x1f byte is not yet known either way. */
export function isGzipHead(head: Buffer): boolean | 'more' {
  if (head.length === 0) return 'more';
  if (head[0] !== 0x1f) return false;
  return head.length < 2 ? 'more' : head[1] === 0x8b;
}

/**
 * Judges gzip input by what its first compressed bytes (at most GZIP_HEAD_BYTES, `ended` when that is all there is)
 * decompress to. Damage the decompressor meets is left to the capture reader to describe.
 */
export function judgeGzipHead(compressed: Buffer, ended: boolean): HeadVerdict {
  let inflated: Buffer;
  try {
    inflated = gunzipSync(compressed.subarray(0, GZIP_HEAD_BYTES), { finishFlush: zlibConstants.Z_SYNC_FLUSH });
  } catch {
    return 'other';
  }
  // past GZIP_HEAD_BYTES nothing more is looked at: what is known then decides
  const last = ended || compressed.length >= GZIP_HEAD_BYTES;
  const verdict = judgePlainHead(inflated, last);
  return verdict === 'more' && last ? 'other' : verdict;
}

/** Judges the first bytes of any input: plain, or gzip by what they decompress to. */
export function judgeHead(head: Buffer, ended: boolean): HeadVerdict {
  const gzip = isGzipHead(head);
  if (gzip === 'more') return ended ? 'other' : 'more';
  return gzip ? judgeGzipHead(head, ended) : judgePlainHead(head, ended);
}
