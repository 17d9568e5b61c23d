/**
 * Captures that lost a FIN, as a mirror port or a busy sensor loses packets: the project's captures (real stacks),
 * each pure FIN cut out in turn with Wireshark's editcap. The peer's ACK one past the sender's last byte shows the FIN
 * was sent (src/tcp/reassembly.ts); the diagnosis must stay what it was with the FIN, and say where it is inferred.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ConnectionRecord } from '../../src/model/record.js';
import { analyzeFile } from '../../src/pipeline/analyze-file.js';
import { createTrustStore } from '../../src/tls/trust-store.js';
import { ROOT } from '../helpers/shared.js';

const CAPTURES = join(ROOT, 'captures');
const trustStore = createTrustStore([readFileSync(join(CAPTURES, 'tlsdiag-test-root.pem'), 'utf8')]);
const scratch = mkdtempSync(join(tmpdir(), 'tlsdiag-lost-fin-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function records(file: string): Promise<ConnectionRecord[]> {
  const found: ConnectionRecord[] = [];
  await analyzeFile(file, { trustStore }, (record) => found.push(record));
  return found;
}

/** Frame numbers (1-based, as editcap counts) of packets with FIN set and no payload, read by tshark. */
function pureFins(file: string, also = 'tcp'): number[] {
  const filter = `tcp.flags.fin == 1 && tcp.len == 0 && ${also}`;
  const listed = spawnSync('tshark', ['-r', file, '-Y', filter, '-T', 'fields', '-e', 'frame.number'], { encoding: 'utf8' });
  if (listed.status !== 0) throw new Error(`tshark failed: ${listed.stderr}`);
  return listed.stdout.split('\n').filter(Boolean).map(Number);
}

function without(file: string, frame: number): string {
  const out = join(scratch, `${frame}-${file.split('/').pop()}`);
  const cut = spawnSync('editcap', [file, out, String(frame)], { encoding: 'utf8' });
  if (cut.status !== 0) throw new Error(`editcap failed: ${cut.stderr}`);
  return out;
}

/** A connection by its client port (ids count frames, and a frame fewer shifts them) with its outcome and cause. */
const outcomeOf = (r: ConnectionRecord) => `${r.client.port} ${r.outcome} ${r.diagnosis?.code ?? '-'}`;

describe('a capture that lost a FIN', () => {
  it("the server's FIN lost after a ClientHello: still peer-closed, now inferred from the client's ACK", async () => {
    const file = join(CAPTURES, 'peer-closed.pcap');
    const [original] = await records(file);
    const [frame] = pureFins(file, 'tcp.srcport == 443');
    const [lost] = await records(without(file, frame));
    expect(lost.tcp.fin.filter((f) => f.unseen === true).map((f) => f.from)).toEqual(['server']);
    expect(lost.notes).toContain("the server's FIN was not captured: the client acknowledged one sequence number past the server's last byte, which only a FIN takes");
    expect(lost.diagnosis).toMatchObject({ code: 'peer-closed', basis: 'inferred' });
    expect(lost.diagnosis!.evidence[0]).toMatch(/^the server closed the connection \(inferred: its FIN was not captured, but the client acknowledged one\) [\d.]+ ms after the ClientHello at the latest/);
    expect(original.diagnosis).toMatchObject({ code: 'peer-closed', basis: 'verified' });
  });

  it('every pure FIN of every project capture, cut out in turn, leaves each outcome and cause as it was', async () => {
    const pcaps = readdirSync(CAPTURES).filter((name) => name.endsWith('.pcap')).sort();
    let cuts = 0;
    let inferred = 0;
    for (const name of pcaps) {
      const file = join(CAPTURES, name);
      const expected = (await records(file)).map(outcomeOf);
      for (const frame of pureFins(file)) {
        const lost = await records(without(file, frame));
        expect(lost.map(outcomeOf), `${name} without frame ${frame}`).toEqual(expected);
        inferred += lost.filter((r) => r.tcp.fin.some((f) => f.unseen === true)).length;
        cuts++;
      }
    }
    expect(cuts).toBeGreaterThan(30);
    // most FINs are acknowledged by a packet the capture kept: those are inferred, the others are simply missing
    expect(inferred).toBeGreaterThan(cuts / 2);
  });
});
