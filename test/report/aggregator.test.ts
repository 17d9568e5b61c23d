import { describe, expect, it } from 'vitest';
import { Aggregator, MAX_PEERS } from '../../src/report/aggregator.js';
import { summarizeNdjsonLine } from '../../src/report/summary.js';
import type { RecordSummary } from '../../src/report/types.js';
import { summary } from './summaries.js';

function reportOf(summaries: readonly RecordSummary[]) {
  const aggregator = new Aggregator();
  for (const s of summaries) aggregator.add(s);
  return aggregator.report();
}

describe('Aggregator', () => {
  it('counts outcomes and takes the failure rate over decided connections only', () => {
    const report = reportOf([
      summary({ outcome: 'established' }),
      summary({ outcome: 'established' }),
      summary({ outcome: 'established' }),
      summary({ outcome: 'failed', cause: 'certificate-expired' }),
      summary({ outcome: 'incomplete' }),
    ]);
    expect(report.totals).toMatchObject({ connections: 5, established: 3, failed: 1, incomplete: 1, failureRate: 0.25 });
    expect(report.causes.map((c) => [c.code, c.count])).toEqual([['certificate-expired', 1]]);
  });

  it('gives each server (endpoint and SNI) its dominant cause, first and last failure', () => {
    const a = { serverIp: '198.51.100.7', sni: 'api.example.test' };
    const report = reportOf([
      summary({ ...a, cause: 'server-timeout', firstTs: 100 }),
      summary({ ...a, cause: 'certificate-expired', firstTs: 300 }),
      summary({ ...a, cause: 'certificate-expired', firstTs: 200 }),
      summary({ ...a, outcome: 'established', firstTs: 400 }),
      summary({ ...a, sni: 'other.example.test', cause: 'reset-by-server', firstTs: 50 }),
    ]);
    const api = report.servers.find((s) => s.sni === 'api.example.test')!;
    expect(api).toMatchObject({ endpoint: '198.51.100.7:443', connections: 4, failed: 3, dominantCause: 'certificate-expired', firstFailure: 100, lastFailure: 300 });
    expect(api.causes.map((c) => [c.code, c.count, c.firstSeen, c.lastSeen])).toEqual([
      ['certificate-expired', 2, 200, 300],
      ['server-timeout', 1, 100, 100],
    ]);
    expect(api.examples.map((e) => e.ts)).toEqual([100, 200, 300]);
    expect(report.servers.map((s) => s.sni)).toEqual(['api.example.test', 'other.example.test']);
  });

  it('lists clients by IP without the ephemeral port, and only peers that failed', () => {
    const report = reportOf([
      summary({ clientIp: '2001:db8::1', clientPort: 5000, cause: 'not-tls' }),
      summary({ clientIp: '2001:db8::1', clientPort: 5001, outcome: 'established' }),
      summary({ clientIp: '192.0.2.99', outcome: 'established' }),
    ]);
    expect(report.clients.map((c) => [c.endpoint, c.connections, c.failed])).toEqual([['2001:db8::1', 2, 1]]);
    expect(report.distinctClients).toBe(2);
    expect(report.clients[0].examples[0].client).toBe('[2001:db8::1]:5000');
  });

  it('keeps at most three examples per row, the earliest, however many connections fail', () => {
    const failures = Array.from({ length: 5000 }, (_, i) => summary({ cause: 'server-timeout', firstTs: 10_000 - i }));
    const report = reportOf(failures);
    expect(report.causes[0].count).toBe(5000);
    expect(report.causes[0].examples.map((e) => e.ts)).toEqual([5001, 5002, 5003]);
    expect(report.servers[0].examples).toHaveLength(3);
    expect(report.clients[0].examples).toHaveLength(3);
  });

  it('gives the same report whatever order connections arrive in (parallel workers)', () => {
    const all: RecordSummary[] = [];
    for (let i = 0; i < 300; i++) {
      all.push(
        summary({
          serverIp: `198.51.100.${i % 7}`,
          clientIp: `192.0.2.${i % 11}`,
          firstTs: 1_700_000_000 + ((i * 7919) % 90_000),
          ...(i % 3 === 0 ? { cause: ['server-timeout', 'not-tls', 'certificate-expired'][i % 9 === 0 ? 0 : i % 2] } : {}),
        }),
      );
    }
    const reversed = [...all].reverse();
    const shuffled = [...all].sort((a, b) => (a.id.length * 31 + a.firstTs * 17) % 101 - (b.id.length * 31 + b.firstTs * 17) % 101);
    expect(reportOf(reversed)).toEqual(reportOf(all));
    expect(reportOf(shuffled)).toEqual(reportOf(all));
  });

  it('titles a cause with the diagnosis title of its earliest failure', () => {
    const report = reportOf([
      summary({ cause: 'other-alert', title: 'The server ended the handshake with internal_error (80)', firstTs: 20 }),
      summary({ cause: 'other-alert', title: 'The server ended the handshake with no_application_protocol (120)', firstTs: 10 }),
    ]);
    expect(report.causes[0].title).toBe('The server ended the handshake with no_application_protocol (120)');
  });

  it('buckets time to fit the span: a night of connections in at most 60 buckets of a round width', () => {
    const start = Date.UTC(2026, 10, 22, 22, 0, 0) / 1000;
    const report = reportOf([
      summary({ firstTs: start + 5, outcome: 'established' }),
      summary({ firstTs: start + 3600 * 3 + 1, cause: 'server-timeout' }),
      summary({ firstTs: start + 3600 * 8, cause: 'server-timeout' }),
    ]);
    expect(report.bucketSeconds).toBe(900);
    expect(report.timeline.length).toBeLessThanOrEqual(60);
    expect(report.timeline[0]).toEqual({ start, connections: 1, failed: 0 });
    expect(report.timeline.reduce((n, b) => n + b.failed, 0)).toBe(2);
    // even steps, empty buckets included, so a chart's time axis is linear
    for (let i = 1; i < report.timeline.length; i++) expect(report.timeline[i].start - report.timeline[i - 1].start).toBe(900);
  });

  it('keeps time buckets bounded over a span of years', () => {
    const report = reportOf([summary({ firstTs: 0 }), summary({ firstTs: 3e9 }), summary({ firstTs: 1.5e9, cause: 'not-tls' })]);
    expect(report.timeline.length).toBeLessThanOrEqual(60);
    expect(report.timeline.reduce((n, b) => n + b.connections, 0)).toBe(3);
  });

  it('names the inputs read and the ones skipped, sorted by path', () => {
    const aggregator = new Aggregator();
    aggregator.addInput({ path: 'b.pcap', kind: 'capture', bytes: 10, connections: 0, notes: [] });
    aggregator.addInput({ path: 'a.ndjson', kind: 'ndjson', bytes: 5, connections: 0, notes: [] });
    aggregator.skip('z.pcap', 'not a capture');
    const report = aggregator.report();
    expect(report.inputs.map((i) => i.path)).toEqual(['a.ndjson', 'b.pcap']);
    expect(report.skipped).toEqual([{ path: 'z.pcap', reason: 'not a capture' }]);
    expect(report.totals).toMatchObject({ connections: 0, failureRate: 0, firstSeen: null });
  });
});

describe('NDJSON lines', () => {
  it('says why a line is not a connection record instead of throwing', () => {
    expect(summarizeNdjsonLine('{"capture":')).toBe('not valid JSON');
    expect(summarizeNdjsonLine('[1,2]')).toBe('not a JSON object');
    expect(summarizeNdjsonLine('{"code":"x"}')).toMatch(/not a connection record/);
    expect(summarizeNdjsonLine('{"capture":"a","id":"1","client":{"ip":"1.2.3.4","port":1},"server":{"ip":"5.6.7.8","port":443},"firstTs":1,"outcome":"weird"}')).toBe('no outcome');
  });

  it('reads a failed record written by an older tlsdiag that lacks fields a report does not need', () => {
    const line = JSON.stringify({
      capture: 'a.pcap',
      id: '7',
      client: { ip: '192.0.2.1', port: 5555 },
      server: { ip: '198.51.100.2', port: 443 },
      firstTs: 12.5,
      outcome: 'failed',
      diagnosis: null,
    });
    expect(summarizeNdjsonLine(line)).toMatchObject({ capture: 'a.pcap', sni: null, outcome: 'failed', cause: 'undiagnosed' });
  });

  it('a flood from more clients than it keeps rows for: memory bounded, the clients that fail most kept, the cut said', () => {
    const aggregator = new Aggregator();
    // one client fails 5 times among 3 * MAX_PEERS clients that each fail once (spoofed SYN sources)
    for (let i = 0; i < 5; i++) aggregator.add(summary({ clientIp: '192.0.2.99', cause: 'server-timeout', firstTs: 10 + i }));
    for (let i = 0; i < 3 * MAX_PEERS; i++) {
      aggregator.add(summary({ clientIp: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, cause: 'tcp-connect-timeout', firstTs: 100 + i }));
    }
    const report = aggregator.report();
    expect(report.totals.connections).toBe(3 * MAX_PEERS + 5);
    expect(report.clients.length).toBeLessThanOrEqual(2 * MAX_PEERS);
    expect(report.clients[0]).toMatchObject({ endpoint: '192.0.2.99', failed: 5 });
    expect(report.peersNotKept?.clients).toBeGreaterThanOrEqual(MAX_PEERS);
    expect(report.distinctClients).toBe(3 * MAX_PEERS + 1);
    expect(report.causes.find((c) => c.code === 'tcp-connect-timeout')?.count).toBe(3 * MAX_PEERS);
  });
});

describe('NDJSON ports', () => {
  const line = (client: unknown, server: unknown) =>
    JSON.stringify({ capture: 'a.pcap', id: '1', client: { ip: '192.0.2.1', port: client }, server: { ip: '198.51.100.2', port: server }, firstTs: 1, outcome: 'established' });

  it('takes 0..65535 and refuses a port outside it, fractional or not a number, saying which', () => {
    expect(summarizeNdjsonLine(line(0, 65535))).toMatchObject({ clientPort: 0, serverPort: 65535 });
    expect(summarizeNdjsonLine(line(-5, 443))).toBe('client port -5 is not a TCP port (0–65535)');
    expect(summarizeNdjsonLine(line(5000, 1e300))).toBe('server port 1e+300 is not a TCP port (0–65535)');
    expect(summarizeNdjsonLine(line(65536, 443))).toBe('client port 65536 is not a TCP port (0–65535)');
    expect(summarizeNdjsonLine(line(443.5, 443))).toBe('client port 443.5 is not a TCP port (0–65535)');
    expect(summarizeNdjsonLine(line('443', 443))).toBe('client port "443" is not a TCP port (0–65535)');
    expect(summarizeNdjsonLine(line(undefined, 443))).toBe('client port undefined is not a TCP port (0–65535)');
  });
});
