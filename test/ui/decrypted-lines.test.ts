/**
 * The detail view of a TLS 1.3 handshake decrypted with its key log: the timeline marks what was read with the key
 * log, the ServerHello pane says what was decrypted and from where, the certificate pane shows the decrypted chain.
 * Records from a real capture (captures-keylog/), through the whole pipeline.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ConnectionRecord } from '../../src/model/record.js';
import { analyzeFile } from '../../src/pipeline/analyze-file.js';
import { KeyLog, readKeyLog } from '../../src/tls/decrypt/keylog.js';
import { createTrustStore } from '../../src/tls/trust-store.js';
import { certificateLines, helloLines } from '../../src/ui/detail-lines.js';
import { lineText } from '../../src/ui/lines.js';
import { timelineLines } from '../../src/ui/timeline-lines.js';
import { ROOT } from '../helpers/shared.js';

const DIR = resolve(ROOT, 'captures-keylog');

async function analyzed(withKeys: boolean): Promise<ConnectionRecord> {
  let secrets: KeyLog | undefined;
  if (withKeys) {
    secrets = new KeyLog();
    readKeyLog(secrets, readFileSync(join(DIR, 'certificate-expired--tls13.keys.log'), 'latin1'), 'keylog');
  }
  const out: ConnectionRecord[] = [];
  await analyzeFile(
    join(DIR, 'certificate-expired--tls13.pcap'),
    { secrets, trustStore: createTrustStore([readFileSync(join(DIR, 'tlsdiag-test-root.pem'), 'utf8')]) },
    (r) => out.push(r),
  );
  return out[0];
}

const text = (lines: ReturnType<typeof timelineLines>) => lines.map(lineText).join('\n');

describe('decrypted handshakes in the detail view', () => {
  it('marks decrypted messages in the timeline and names what was decrypted', async () => {
    const r = await analyzed(true);
    const timeline = text(timelineLines(r, 120));
    expect(timeline).toMatch(/Certificate .*decrypted: 2 certificate\(s\); leaf O=tlsdiag, CN=expired\.tlsdiag\.test/);
    expect(timeline).toMatch(/Alert .*decrypted: fatal bad_certificate \(42\)/);
    expect(timeline).toMatch(/EncryptedExtensions .*decrypted/);
    expect(text(helloLines(r, 120))).toContain('key log  client and server handshake decrypted, secrets from --keylog');
    const certs = text(certificateLines(r, 120));
    expect(certs).toContain('decrypted');
    expect(certs).toContain('expired.tlsdiag.test');
  });

  it('without the key log: no marker, and the certificate pane says a key log would show the chain', async () => {
    const r = await analyzed(false);
    expect(text(timelineLines(r, 120))).not.toContain('decrypted');
    expect(text(certificateLines(r, 120))).toContain('a key log shows it');
  });
});
