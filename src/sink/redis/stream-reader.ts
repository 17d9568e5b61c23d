import type { Cluster } from 'ioredis';
import type { RedisClient } from './connect.js';
import type { RedisTarget } from './target.js';

/** One stream entry as XRANGE / XREAD give it: its id and the `record` field's text (null when it has none). */
export interface StreamEntry {
  id: string;
  record: string | null;
}

type RawEntry = [id: string, fields: string[]];

function toEntry([id, fields]: RawEntry): StreamEntry {
  let record: string | null = null;
  for (let i = 0; i + 1 < fields.length; i += 2) {
    if (fields[i] === 'record') {
      record = fields[i + 1];
      break;
    }
  }
  return { id, record };
}

/** MATCH patterns treat * ? [ ] \ as glob syntax: a key holding them is matched literally. */
function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}

/**
 * The streams that hold the fleet's records: the key itself on one server; in a cluster every `KEY:{sensor}`
 * stream, found by SCAN ... MATCH KEY:{* TYPE stream on every master (each master holds only its own slots' keys).
 * No registry to keep in step: a sensor's stream is found as soon as it holds an entry, and is gone when deleted.
 */
export async function discoverStreams(client: RedisClient, target: RedisTarget): Promise<string[]> {
  if (!target.cluster) return [target.key];
  const pattern = `${escapeGlob(target.key)}:{*}`;
  const keys = new Set<string>();
  for (const node of (client as Cluster).nodes('master')) {
    let cursor = '0';
    do {
      const [next, found] = (await node.call('SCAN', cursor, 'MATCH', pattern, 'COUNT', 1000, 'TYPE', 'stream')) as [string, string[]];
      for (const key of found) keys.add(key);
      cursor = next;
    } while (cursor !== '0');
  }
  return [...keys].sort();
}

/** The type Redis reports for a key: 'stream', 'none' (absent), or another type. */
export async function keyType(client: RedisClient, key: string): Promise<string> {
  return (await client.type(key)) as string;
}

/**
 * Reads a stream from `start` (an entry id, '-' for the beginning) to its end in pages of `pageSize` entries
 * (XRANGE with an exclusive start after the first page), handing each page over before the next is asked for, so
 * memory holds one page however long the stream. Returns the last id read (or `start` when none was).
 */
export async function readStreamPages(
  client: RedisClient,
  key: string,
  start: string,
  pageSize: number,
  onPage: (entries: StreamEntry[]) => void,
): Promise<string> {
  let from = start;
  let last = start;
  for (;;) {
    const page = (await client.xrange(key, from, '+', 'COUNT', pageSize)) as RawEntry[];
    if (page.length === 0) return last;
    onPage(page.map(toEntry));
    last = page[page.length - 1][0];
    if (page.length < pageSize) return last;
    from = `(${last}`;
  }
}

/**
 * Entries added after `afterId` to one stream, waiting up to `blockMs` for the first (XREAD BLOCK); [] when none came.
 * A blocking read holds its connection: readers use a client of their own (see createRedisClient's `blocking`).
 */
export async function readNewEntries(client: RedisClient, key: string, afterId: string, count: number, blockMs: number): Promise<StreamEntry[]> {
  const args: (string | number)[] = ['COUNT', count];
  if (blockMs > 0) args.push('BLOCK', blockMs);
  const reply = (await client.call('XREAD', ...args, 'STREAMS', key, afterId)) as [string, RawEntry[]][] | null;
  if (reply === null || reply.length === 0) return [];
  return reply[0][1].map(toEntry);
}

/** A stream id for a wall-clock time in ms: XRANGE from it finds entries added at or after that time. */
export function idAtTime(ms: number): string {
  return `${Math.max(0, Math.floor(ms))}-0`;
}
