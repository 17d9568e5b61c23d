import type { ConnectionRecord } from '../../model/record.js';
import type { RecordDetail } from '../../model/record-lean.js';
import { stampRecord } from '../../sink/stamp.js';
import { recordWriter, type RecordFormat } from './formats.js';
import { diagnosisLines, recordToTextLine } from './text.js';

/** How `analyze` renders each record: the same in this thread and in its worker threads (plain data, to cross). */
export interface RenderSetup {
  format: 'text' | RecordFormat;
  detail: RecordDetail;
  failedOnly: boolean;
  /** --sensor: records are stamped with it (and a uid) before they are written */
  sensor: string | null;
}

/** The record as the output text of one connection (ending in a newline), or null when the output leaves it out. */
export function recordRenderer(setup: RenderSetup): (record: ConnectionRecord) => string | null {
  const writer = setup.format === 'text' ? null : recordWriter(setup.format, setup.detail);
  return (decided) => {
    if (setup.failedOnly && decided.outcome !== 'failed') return null;
    const record = setup.sensor === null ? decided : stampRecord(decided, setup.sensor);
    if (writer !== null) return writer.line(record) + '\n';
    let text = recordToTextLine(record) + '\n';
    for (const line of diagnosisLines(record)) text += line + '\n';
    return text;
  };
}
