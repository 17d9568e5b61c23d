/**
 * A TLS 1.3 session whose client's first request is shorter than a Finished, answered with data, closed by the server
 * first: one connection of the benchmark capture (Node's TLS client and server, scripts/make-bench-capture.sh),
 * tshark-filtered to its 4-tuple. Under TLS_AES_256_GCM_SHA384 a Finished is 69 bytes, the request 29: alert-sized.
 * Read as the client's close (curl's close_notify after its own host-name check is the same size), it turned half of
 * the benchmark's 20,000 healthy connections into failures.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ConnectionRecord } from '../../src/model/record.js';
import { analyzeFile } from '../../src/pipeline/analyze-file.js';
import { ROOT } from '../helpers/shared.js';

describe('a TLS 1.3 request shorter than a Finished, answered with data', () => {
  it('is a session used, not a client closing with an alert: established, without a warning', async () => {
    const found: ConnectionRecord[] = [];
    await analyzeFile(join(ROOT, 'test/diagnose/fixtures/tls13-short-request.pcap'), {}, (record) => found.push(record));
    expect(found).toHaveLength(1);
    const [record] = found;
    // the facts that made it look like a close: an alert-sized record after the Finished, and the server's FIN first
    const client = record.tls.encryptedRecords.filter((r) => r.from === 'client').map((r) => r.length);
    expect(client).toEqual([69, 29]);
    expect(record.tls.encryptedRecords.some((r) => r.from === 'server' && r.length > 1000)).toBe(true);
    expect(record.tcp.fin[0]?.from).toBe('server');
    expect([record.outcome, record.diagnosis, record.warnings]).toEqual(['established', null, []]);
  });
});
