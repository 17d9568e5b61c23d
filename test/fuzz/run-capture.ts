/**
 * Drives the real pipeline (capture parser → Analyzer) over capture bytes held in memory, the way the file reader
 * does: the parser is offered growing windows of one buffer and consumes whole blocks, so record boundaries fall
 * anywhere relative to the chunks.
 */
import { createParser } from '../../src/capture/parser.js';
import type { CaptureNote } from '../../src/capture/types.js';
import type { ConnectionRecord } from '../../src/model/record.js';
import { Analyzer, type AnalyzeOptions, type AnalyzerStats } from '../../src/pipeline/analyzer.js';
import { createTrustStore, type TrustStore } from '../../src/tls/trust-store.js';
import type { Prng } from './prng.js';

export interface CaptureRun {
  /** the bytes start with no capture magic: the file reader would reject them with a CaptureError */
  notACapture: boolean;
  records: ConnectionRecord[];
  captureNotes: CaptureNote[];
  analyzerNotes: string[];
  stats: AnalyzerStats;
  /** most connections open at once, sampled after every chunk */
  peakOpenConnections: number;
}

const SNIFF_BYTES = 6;
/** Loading Node's root store costs milliseconds: thousands of runs share one. */
let sharedTrustStore: TrustStore | null = null;

export function runCapture(bytes: Buffer, name: string, chunks: Prng | null, options: AnalyzeOptions = {}): CaptureRun {
  const records: ConnectionRecord[] = [];
  sharedTrustStore ??= createTrustStore();
  const analyzer = new Analyzer(name, { trustStore: sharedTrustStore, ...options }, (record) => records.push(record));
  const run: CaptureRun = {
    notACapture: false,
    records,
    captureNotes: [],
    analyzerNotes: analyzer.notes,
    stats: analyzer.stats,
    peakOpenConnections: 0,
  };
  const parser = bytes.length >= SNIFF_BYTES ? createParser(bytes.subarray(0, SNIFF_BYTES), analyzer) : null;
  if (parser === null) {
    run.notACapture = true;
    return run;
  }
  let consumed = 0;
  let end = 0;
  while (end < bytes.length && !parser.stopped) {
    end = chunks === null ? bytes.length : Math.min(bytes.length, end + 1 + chunks.below(4096));
    consumed += parser.feed(bytes, consumed, end);
    run.peakOpenConnections = Math.max(run.peakOpenConnections, analyzer.openConnections);
  }
  parser.finish(bytes.length - consumed, consumed);
  analyzer.finish();
  run.captureNotes = parser.notes;
  return run;
}
