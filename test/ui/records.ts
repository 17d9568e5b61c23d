import { existsSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ConnectionRecord } from '../../src/model/record.js';
import { analyzeFile } from '../../src/pipeline/analyze-file.js';
import { ROOT } from '../helpers/shared.js';

/** The project's own captures, one per failure cause (made by scripts/make-captures.sh). */
export const CAPTURES = resolve(ROOT, 'captures');
export const HAVE_CAPTURES = existsSync(resolve(CAPTURES, 'certificate-expired.pcap'));

export function warnIfNoCaptures(suite: string): void {
  if (!HAVE_CAPTURES) console.warn(`SKIPPED ${suite}: ${CAPTURES}/*.pcap are absent (run npm run captures)`);
}

export async function recordsOf(...names: string[]): Promise<ConnectionRecord[]> {
  const records: ConnectionRecord[] = [];
  for (const name of names) await analyzeFile(resolve(CAPTURES, name), {}, (r) => records.push(r));
  return records;
}

export async function allCaptureRecords(): Promise<ConnectionRecord[]> {
  const names = readdirSync(CAPTURES).filter((n) => n.endsWith('.pcap')).sort();
  return recordsOf(...names);
}

/** `count` records cloned from real ones, each with its own id, client port and start time. */
export function manyRecords(base: readonly ConnectionRecord[], count: number): ConnectionRecord[] {
  const out: ConnectionRecord[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const r = base[i % base.length];
    out[i] = { ...r, id: `bulk#${i}`, client: { ip: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, port: 1024 + (i % 60000) }, firstTs: r.firstTs + i };
  }
  return out;
}
