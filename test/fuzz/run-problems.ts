import { recordProblems } from './record-shape.js';
import type { CaptureRun } from './run-capture.js';

/** Everything wrong with one run, in plain words; empty when the pipeline held. */
export function runProblems(run: CaptureRun): string[] {
  const problems: string[] = [];
  for (const note of run.analyzerNotes) if (note.startsWith('internal error')) problems.push(note);
  if (run.records.length !== run.stats.connections) problems.push(`${run.records.length} records for ${run.stats.connections} connections`);
  if (run.stats.connections > run.stats.tcpSegments) problems.push(`${run.stats.connections} connections from ${run.stats.tcpSegments} segments`);
  for (const record of run.records) {
    const wrong = recordProblems(record);
    if (wrong.length > 0) problems.push(`record ${record.id}: ${wrong.slice(0, 3).join('; ')}`);
  }
  return problems;
}
