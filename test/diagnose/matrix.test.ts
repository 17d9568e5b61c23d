/**
 * The diagnosis against the capture matrix (made by scripts/make-matrix.sh): real clients meeting each fault on real
 * servers — captures/matrix, eight TLS clients and libraries; captures/browsers, headless Chromium and Firefox ESR,
 * recorded apart with their own PKI; and captures/servers, the eight clients against two more servers (gnutls-serv
 * and a JSSE server), recorded apart with their own PKI too; and captures/tls13-certs, the eight clients meeting the
 * certificate faults over TLS 1.3 on five servers, with the key log of each client that writes one (all but Java),
 * recorded apart with their own PKI. Each capture's sidecar states the fault as it was
 * injected — ground truth by construction, not what tlsdiag said when it was recorded:
 * - the outcome the user saw and the primary cause must be the sidecar's, for every connection of the capture;
 * - a diagnosis tlsdiag is highly confident of is never wrong;
 * - where TLS 1.3 hides the fault (sidecar `hidden`: the certificate is encrypted), the code of what can be seen is
 *   accepted too, never with high confidence;
 * - with the client's key log (sidecar `keylog`), every connection gets exactly the injected cause, decrypted.
 * The clients of each folder trusted its own root (<folder>/<folder>-root.pem), so the analysis trusts it too.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { ConnectionRecord } from '../../src/model/record.js';
import { analyzeFile } from '../../src/pipeline/analyze-file.js';
import { keyLogFromTexts } from '../../src/tls/decrypt/keylog.js';
import { createTrustStore } from '../../src/tls/trust-store.js';

const here = path.dirname(fileURLToPath(import.meta.url));

interface MatrixSidecar {
  /** the cause code of docs/causes.md; null for a healthy handshake */
  code: string | null;
  outcome: 'established' | 'failed';
  fault: string;
  client: string;
  server: string;
  connections: number;
  /**
   * the fault's packets are the same as another's (the same ClientHello refused with the same alert): a primary cause
   * among these codes is accepted only at low confidence, with the injected cause among the alternatives
   */
  indistinguishable?: { codes: string[]; why: string };
  /**
   * the client abandons connections to connect again (Chromium at a CertificateRequest): such a connection may read
   * as failed with this code, not with high confidence; the capture's other connections are held to the sidecar
   */
  abandoned?: { code: string; why: string };
  /**
   * TLS 1.3 hides the fault (the server's certificate is encrypted): without the key log, a connection may be failed
   * with this code (what the packets show), not with high confidence
   */
  hidden?: { code: string; why: string };
  /**
   * the client completes the handshake and closes gracefully after its own check (curl's host-name check over TLS
   * 1.3): without the key log its packets are those of a client that only tested the handshake, so a connection may
   * read as established — never silently: with the warning that the client closed at once after its Finished
   */
  looksComplete?: { why: string };
  /**
   * the client's way of failing leaves exactly the packets of another cause (Node.js dropping a TLS 1.3 connection
   * whose server sent its tickets with its flight: a reset, as any aborting client's): accepted as that code, not with
   * high confidence, and only with the hidden cause among the alternatives
   */
  alsoReads?: { code: string; why: string };
  /** the client's key log, beside the capture: with it, every connection gets exactly the injected cause */
  keylog?: string;
}

/** The folders of the matrix: each with its own root and the number of captures it holds at least. */
const folders = [
  { folder: 'matrix', title: 'capture matrix', minimum: 150 },
  { folder: 'browsers', title: 'capture matrix: browsers', minimum: 100 },
  { folder: 'servers', title: 'capture matrix: gnutls-serv and JSSE servers', minimum: 200 },
  { folder: 'tls13-certs', title: 'capture matrix: TLS 1.3 certificate faults, eight clients', minimum: 200 },
];

function sidecarsOf(matrix: string) {
  return readdirSync(matrix)
    .filter((f) => f.endsWith('.expect.json'))
    .sort()
    .map((file) => {
      const name = file.replace(/\.expect\.json$/, '');
      const sidecar = JSON.parse(readFileSync(path.join(matrix, file), 'utf8')) as MatrixSidecar;
      return { name, pcap: path.join(matrix, `${name}.pcap`), sidecar };
    });
}

const analyses = new Map<string, Promise<ConnectionRecord[]>>();
/** Each capture is analysed once for both assertions (and once more with its key log, when given). */
function analyze(pcap: string, root: string, keylog?: string): Promise<ConnectionRecord[]> {
  const key = keylog === undefined ? pcap : `${pcap} + ${keylog}`;
  let analysis = analyses.get(key);
  if (!analysis) {
    analysis = (async () => {
      const records: ConnectionRecord[] = [];
      const secrets = keylog === undefined ? undefined : keyLogFromTexts([readFileSync(keylog, 'latin1')]);
      await analyzeFile(pcap, { trustStore: createTrustStore([root]), secrets }, (record) => records.push(record));
      return records;
    })();
    analyses.set(key, analysis);
  }
  return analysis;
}

/** One line per connection: what tlsdiag said, for the failure message. */
function said(records: ConnectionRecord[]): string {
  return records
    .map((r) => `${r.outcome} ${r.diagnosis?.code ?? ''} ${r.diagnosis?.confidence ?? ''}: ${r.diagnosis?.evidence.join(' | ') ?? r.warnings.join(' | ')}`)
    .join('\n');
}

describe.each(folders)('$title', ({ folder, minimum }) => {
  const matrix = path.resolve(here, '../../captures', folder);
  const root = readFileSync(path.join(matrix, `${folder}-root.pem`), 'utf8');
  const sidecars = sidecarsOf(matrix);

  it('holds the matrix: a root, and a capture for every sidecar', () => {
    expect(sidecars.length).toBeGreaterThanOrEqual(minimum);
    for (const { pcap } of sidecars) expect(existsSync(pcap), pcap).toBe(true);
  });

  describe('each capture gets the outcome and the cause that were injected', () => {
    it.each(sidecars)('$name', async ({ pcap, sidecar }) => {
      const connections = await analyze(pcap, root);
      expect(connections, said(connections)).toHaveLength(sidecar.connections);
      const abandoned = (r: ConnectionRecord) =>
        sidecar.abandoned !== undefined && r.outcome === 'failed' && r.diagnosis?.code === sidecar.abandoned.code && r.diagnosis.confidence !== 'high';
      // every connection the client went on with is held to the sidecar, and there is at least one
      const looksComplete = (r: ConnectionRecord) =>
        sidecar.looksComplete !== undefined && r.outcome === 'established' && r.warnings.some((w) => /closed .* after its Finished without sending application data/.test(w));
      const records = connections.filter((r) => !abandoned(r) && !looksComplete(r));
      if (sidecar.looksComplete !== undefined && records.length === 0) return;
      if (sidecar.abandoned === undefined || sidecar.outcome === 'established') expect(records.length, said(connections)).toBeGreaterThan(0);
      expect(records.map((r) => r.outcome), said(records)).toEqual(records.map(() => sidecar.outcome));
      if (sidecar.outcome === 'failed') {
        const honest = (r: ConnectionRecord) =>
          r.diagnosis !== null &&
          (r.diagnosis.code === sidecar.code ||
            r.diagnosis.code === sidecar.hidden?.code ||
            (r.diagnosis.code === sidecar.alsoReads?.code &&
              r.diagnosis.confidence !== 'high' &&
              r.diagnosis.alternatives.some((a) => a.code === (sidecar.hidden?.code ?? sidecar.code))) ||
            (sidecar.indistinguishable?.codes.includes(r.diagnosis.code) === true &&
              r.diagnosis.confidence === 'low' &&
              r.diagnosis.alternatives.some((a) => a.code === sidecar.code)));
        expect(records.filter((r) => !honest(r)).map((r) => r.diagnosis?.code ?? null), said(records)).toEqual([]);
      }
    });
  });

  describe('no diagnosis of high confidence is wrong', () => {
    it.each(sidecars)('$name', async ({ pcap, sidecar }) => {
      const records = await analyze(pcap, root);
      const confidentlyWrong = records.filter(
        (r) => r.diagnosis?.confidence === 'high' && (sidecar.outcome !== 'failed' || r.diagnosis.code !== sidecar.code),
      );
      expect(said(confidentlyWrong)).toBe('');
    });
  });

  const keylogged = sidecars.filter(({ sidecar }) => sidecar.keylog !== undefined);
  if (keylogged.length > 0) {
    describe('with the key log, each capture gets exactly the injected cause, decrypted', () => {
      it.each(keylogged)('$name', async ({ pcap, sidecar }) => {
        const records = await analyze(pcap, root, path.join(matrix, sidecar.keylog!));
        expect(records, said(records)).toHaveLength(sidecar.connections);
        expect(records.map((r) => [r.outcome, r.diagnosis?.code ?? null]), said(records)).toEqual(
          records.map(() => [sidecar.outcome, sidecar.code]),
        );
        expect(records.filter((r) => r.tls.decrypted === null || r.tls.decrypted === undefined).map((r) => r.id)).toEqual([]);
      });
    });
  }
});
