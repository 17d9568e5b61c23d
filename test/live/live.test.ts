import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WrittenRecord } from '../../src/model/record-lean.js';
import { ROOT } from '../helpers/shared.js';
import { selfSignedCertificate, whyLiveCannotRun } from './probe.js';

/**
 * End to end on the loopback interface: real TLS servers and clients on 127.0.0.1, `tlsdiag live` as a child process
 * capturing them, then `tlsdiag analyze` on the pcapng file it wrote. Needs root (or CAP_NET_RAW), the optional
 * package cap, openssl and a built dist/.
 */

const BIN = resolve(ROOT, 'bin/tlsdiag.js');
const HANDSHAKE_TIMEOUT = 2;
const DURATION = 6;

const skipReason = await whyLiveCannotRun();
if (skipReason !== null) console.warn(`SKIPPED test/live: ${skipReason}`);

function listen(server: net.Server): Promise<number> {
  return new Promise((done, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => done((server.address() as net.AddressInfo).port));
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}

/** Resolves when `test` holds, rejects after `ms`. */
async function until(test: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!test()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

function parseNdjson(text: string): WrittenRecord[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as WrittenRecord);
}

describe.skipIf(skipReason !== null)('tlsdiag live on lo', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tlsdiag-live-'));
  const pcapng = join(dir, 'live.pcapng');
  const servers: net.Server[] = [];
  const ports = { healthy: 0, tls13Only: 0, silent: 0 };
  const sockets: net.Socket[] = [];
  let live: {
    records: { record: WrittenRecord; at: number }[];
    stderr: string;
    exitCode: number | null;
    exitedAt: number;
  };

  beforeAll(async () => {
    const { key, cert } = selfSignedCertificate(dir, 'live.tlsdiag.test');

    const healthy = tls.createServer({ key, cert }, (socket) => socket.end('hello'));
    const tls13Only = tls.createServer({ key, cert, minVersion: 'TLSv1.3' }, (socket) => socket.end());
    tls13Only.on('tlsClientError', () => undefined);
    const silent = net.createServer((socket) => {
      sockets.push(socket);
      socket.on('error', () => undefined);
    });
    servers.push(healthy, tls13Only, silent);
    ports.healthy = await listen(healthy);
    ports.tls13Only = await listen(tls13Only);
    ports.silent = await listen(silent);

    const filter = `tcp port ${ports.healthy} or tcp port ${ports.tls13Only} or tcp port ${ports.silent}`;
    const child = spawn(
      process.execPath,
      [BIN, 'live', '-i', 'lo', '-f', filter, '--duration', String(DURATION), '--handshake-timeout', String(HANDSHAKE_TIMEOUT),
        // full detail: the test reads observedUntil, which lean lines leave out
        '--format', 'ndjson', '--detail', 'full', '--write', pcapng],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const state = { records: [] as { record: WrittenRecord; at: number }[], stderr: '', exitCode: null as number | null, exitedAt: 0 };
    let pending = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const line of lines) if (line.trim() !== '') state.records.push({ record: JSON.parse(line), at: Date.now() });
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      state.stderr += chunk;
    });
    const exited = new Promise<void>((done) =>
      child.on('exit', (code) => {
        state.exitCode = code;
        state.exitedAt = Date.now();
        done();
      }),
    );
    const killer = setTimeout(() => child.kill('SIGKILL'), (DURATION + 20) * 1000);
    try {
      await until(() => state.stderr.includes('capturing on') || state.exitCode !== null, 15_000, 'tlsdiag live to start');
      if (state.exitCode !== null) throw new Error(`tlsdiag live exited at once: ${state.stderr}`);

      // a healthy handshake; one the server refuses (TLS 1.3 only, the client offers at most 1.2); one nobody answers
      await new Promise<void>((done) => {
        const client = tls.connect({ host: '127.0.0.1', port: ports.healthy, servername: 'live.tlsdiag.test', rejectUnauthorized: false });
        client.on('data', () => undefined).on('end', () => client.end()).on('close', () => done()).on('error', () => done());
      });
      await new Promise<void>((done) => {
        const client = tls.connect({
          host: '127.0.0.1', port: ports.tls13Only, servername: 'live.tlsdiag.test', rejectUnauthorized: false, maxVersion: 'TLSv1.2',
        });
        client.on('error', () => done()).on('close', () => done());
      });
      const unanswered = tls.connect({ host: '127.0.0.1', port: ports.silent, servername: 'live.tlsdiag.test', rejectUnauthorized: false });
      unanswered.on('error', () => undefined);
      // the client gives up after longer than the handshake timeout, so the file read back shows the same wait
      await sleep((HANDSHAKE_TIMEOUT + 1) * 1000);
      unanswered.destroy();
      await exited;
    } finally {
      clearTimeout(killer);
    }
    live = state;
  }, (DURATION + 40) * 1000);

  afterAll(() => {
    for (const socket of sockets) socket.destroy();
    for (const server of servers) server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const byServerPort = (records: WrittenRecord[], port: number) => records.filter((r) => r.server.port === port);

  it('ends cleanly at --duration with a summary on stderr', () => {
    expect(live.exitCode, live.stderr).toBe(0);
    expect(live.stderr).toMatch(/live capture on lo for \d+\.\d s: \d+ packets/);
    expect(live.stderr).toContain('3 TLS connection(s): 1 established, 2 failed, 0 incomplete');
    // the kernel's drop counter is read where the packet-statistics addon is built (npm run build), else said unknown
    const addonBuilt = existsSync(resolve(ROOT, 'native/packet-stats/build/Release/packet_stats.node'));
    expect(live.stderr).toMatch(addonBuilt ? /\d+ packets \(\d+\/s\), \d+ dropped by the kernel/ : /kernel drops: not reported/);
  });

  it('streams one record per connection with its cause', () => {
    const records = live.records.map((r) => r.record);
    expect(records).toHaveLength(3);

    const [healthy] = byServerPort(records, ports.healthy);
    expect(healthy.outcome).toBe('established');
    expect(healthy.diagnosis).toBeNull();
    expect(healthy.tls.clientHello?.sni).toBe('live.tlsdiag.test');
    expect(healthy.tls.serverHello?.version).toBe('TLS 1.3');

    const [refused] = byServerPort(records, ports.tls13Only);
    expect(refused.outcome).toBe('failed');
    expect(refused.diagnosis?.code).toBe('protocol-version-mismatch');
    expect(refused.tls.alerts[0]).toMatchObject({ from: 'server', description: 70, name: 'protocol_version' });

    const [unanswered] = byServerPort(records, ports.silent);
    expect(unanswered.outcome).toBe('failed');
    expect(unanswered.diagnosis?.code).toBe('server-timeout');
  });

  it('decides the unanswered ClientHello when its timeout passes, not at exit', () => {
    const entry = live.records.find((r) => r.record.server.port === ports.silent)!;
    // ended by the wall clock (the client had not closed yet), and printed while the capture still ran
    expect(entry.record.end).toBe('handshake-timeout');
    const waited = entry.record.observedUntil! - entry.record.tls.clientHello!.ts;
    expect(waited).toBeGreaterThan(HANDSHAKE_TIMEOUT);
    expect(waited).toBeLessThan(HANDSHAKE_TIMEOUT + 1.5);
    expect(entry.at).toBeLessThan(live.exitedAt - 1000);
  });

  it('writes a pcapng file that analyze reads back to the same connections and causes', () => {
    const analyzed = spawnSync(process.execPath, [BIN, 'analyze', '--format', 'ndjson', '--handshake-timeout', String(HANDSHAKE_TIMEOUT), pcapng], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(analyzed.status, analyzed.stderr).toBe(0);
    const fromFile = parseNdjson(analyzed.stdout);
    const fromLive = live.records.map((r) => r.record);
    expect(fromFile).toHaveLength(3);
    for (const port of [ports.healthy, ports.tls13Only, ports.silent]) {
      const [file] = byServerPort(fromFile, port);
      const [wire] = byServerPort(fromLive, port);
      expect(file.client).toEqual(wire.client);
      expect(file.outcome).toBe(wire.outcome);
      expect(file.diagnosis?.code ?? null).toBe(wire.diagnosis?.code ?? null);
      expect(file.tls.clientHello?.ts).toBeCloseTo(wire.tls.clientHello!.ts, 5);
    }
  });

  it.skipIf(spawnSync('tshark', ['--version']).status !== 0)('writes a pcapng file tshark reads', () => {
    const read = spawnSync('tshark', ['-r', pcapng, '-T', 'fields', '-e', 'frame.number', '-e', 'tls.handshake.type'], { encoding: 'utf8', timeout: 30_000 });
    expect(read.status, read.stderr).toBe(0);
    const frames = read.stdout.trim().split('\n');
    const written = Number(/(\d+) packets written to/.exec(live.stderr)?.[1]);
    expect(frames).toHaveLength(written);
    // three ClientHellos (type 1) on the wire, as tshark decodes them
    expect(frames.filter((f) => /\t(1|1,.*)$/.test(f))).toHaveLength(3);
  });
});
