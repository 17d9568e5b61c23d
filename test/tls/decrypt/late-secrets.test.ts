/**
 * Live capture with a key log still being written: the secrets of a session arrive after its encrypted records did.
 * The records wait (bounded) and are opened when the secrets come; when they never come, a note says so. Real
 * capture and key log from captures-keylog/, the key log added to the analysis mid-capture.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCaptureFile } from '../../../src/capture/file.js';
import type { FrameSink } from '../../../src/capture/types.js';
import type { ConnectionRecord } from '../../../src/model/record.js';
import { Analyzer } from '../../../src/pipeline/analyzer.js';
import { KeyLog, readKeyLog } from '../../../src/tls/decrypt/keylog.js';
import { ROOT } from '../../helpers/shared.js';

const DIR = resolve(ROOT, 'captures-keylog');

async function analyzeWithLateSecrets(name: string, addAfterFrame: number | null): Promise<ConnectionRecord> {
  const keyLog = new KeyLog();
  keyLog.growing = true;
  const records: ConnectionRecord[] = [];
  const analyzer = new Analyzer(name, { secrets: keyLog }, (r) => records.push(r));
  let frames = 0;
  const sink: FrameSink = {
    frame(data, ts, linkType, origLen) {
      analyzer.frame(data, ts, linkType, origLen);
      if (++frames === addAfterFrame) readKeyLog(keyLog, readFileSync(join(DIR, `${name}.keys.log`), 'latin1'), 'keylog');
    },
  };
  await readCaptureFile(join(DIR, `${name}.pcap`), sink);
  analyzer.finish();
  return records[0];
}

describe('secrets that come after the records they open', () => {
  it('opens the waiting records once the secrets arrive, in time order in the timeline', async () => {
    // frame 10 of this capture is the client's encrypted flight: the server's flight has already been waiting
    const r = await analyzeWithLateSecrets('client-certificate-required--tls13', 10);
    expect(r.tls.decrypted).toEqual({ sides: ['client', 'server'], by: 'keylog' });
    expect(r.tls.certificateRequested).toBe(true);
    expect(r.tls.alerts.map((a) => a.name)).toContain('certificate_required');
    const times = r.timeline.map((e) => e.ts);
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it('opens them when the secrets come after the last protected record', async () => {
    // frame 12 is the last before the client's reset ends the connection
    const r = await analyzeWithLateSecrets('certificate-expired--tls13', 12);
    expect(r.tls.decrypted?.sides).toEqual(['client', 'server']);
    expect(r.tls.certificateCheck?.expiredFor).toBeGreaterThan(0);
  });

  it('says so when they never come, and keeps nothing', async () => {
    const r = await analyzeWithLateSecrets('certificate-expired--tls13', null);
    expect(r.tls.decrypted).toBeNull();
    expect(r.notes.join('\n')).toContain('no secrets for this session');
  });
});
