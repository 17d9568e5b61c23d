import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WrittenRecord } from '../../src/model/record-lean.js';
import { ROOT } from '../helpers/shared.js';
import { selfSignedCertificate, whyLiveCannotRun } from './probe.js';

/**
 * `tlsdiag live --keylog` end to end on the loopback interface: Node TLS 1.3 clients write their secrets to a key
 * log as they derive them (the 'keylog' event, what SSLKEYLOGFILE gives in browsers and curl), while `tlsdiag live`
 * captures the connections and follows the growing file. TLS 1.3 encrypts the server's certificate: without the key
 * log a client's rejection of it can only be inferred from an alert-sized record; with it, the certificate is read
 * and checked. Needs what test/live/live.test.ts needs.
 */

const BIN = resolve(ROOT, 'bin/tlsdiag.js');
const DURATION = 5;
const skipReason = await whyLiveCannotRun();
if (skipReason !== null) console.warn(`SKIPPED test/live/keylog: ${skipReason}`);

function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}

describe.skipIf(skipReason !== null)('tlsdiag live --keylog on lo', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tlsdiag-live-keylog-'));
  const keys = join(dir, 'keys.log');
  const pcapng = join(dir, 'live.pcapng');
  let server: tls.Server;
  let port = 0;
  const clientPorts = { mismatch: 0, healthy: 0 };
  let result: { records: WrittenRecord[]; stderr: string; code: number | null };

  beforeAll(async () => {
    // the server's certificate names another host than the one the client asks for
    const { key, cert, certFile } = selfSignedCertificate(dir, 'other.tlsdiag.test');
    server = tls.createServer({ key, cert, minVersion: 'TLSv1.3' }, (socket) => socket.end('hello'));
    server.on('tlsClientError', () => undefined);
    port = await new Promise<number>((done) => server.listen(0, '127.0.0.1', () => done((server.address() as net.AddressInfo).port)));
    // the key log exists, empty, before the capture starts (as SSLKEYLOGFILE's does once a client has run)
    writeFileSync(keys, '');

    const child = spawn(
      process.execPath,
      [BIN, 'live', '-i', 'lo', '-f', `tcp port ${port}`, '--duration', String(DURATION), '--keylog', keys, '--ca', certFile,
        '--format', 'ndjson', '--detail', 'full', '--write', pcapng],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    const killer = setTimeout(() => child.kill('SIGKILL'), (DURATION + 20) * 1000);
    const started = Date.now();
    while (!stderr.includes('capturing on') && Date.now() - started < 15_000) await sleep(20);

    const connect = (servername: string, verify: boolean) =>
      new Promise<number>((done) => {
        const client = tls.connect({ host: '127.0.0.1', port, servername, ca: cert, rejectUnauthorized: verify, minVersion: 'TLSv1.3' });
        // each secret is appended as the client derives it, as a browser or curl does with SSLKEYLOGFILE
        client.on('keylog', (line: Buffer) => appendFileSync(keys, line));
        let local = 0;
        client.on('connect', () => (local = client.localPort ?? 0));
        client.on('data', () => undefined);
        client.on('end', () => client.end());
        client.on('error', () => undefined);
        client.on('close', () => done(local));
      });
    // the client checks the name it asked for against the certificate, refuses it and says so in an encrypted alert
    clientPorts.mismatch = await connect('live.tlsdiag.test', true);
    // a client that asks for the certificate's own name: a healthy session
    clientPorts.healthy = await connect('other.tlsdiag.test', true);
    const code = await exited;
    clearTimeout(killer);
    const records = stdout.split('\n').filter((line) => line.trim() !== '').map((line) => JSON.parse(line) as WrittenRecord);
    result = { records, stderr, code };
  }, (DURATION + 40) * 1000);

  afterAll(() => {
    server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const byClientPort = (clientPort: number) => result.records.find((r) => r.client.port === clientPort);

  it('ends cleanly with one record per connection', () => {
    expect(result.code, result.stderr).toBe(0);
    expect(result.records).toHaveLength(2);
  });

  it('reads the key log as it grows and decrypts the certificate the client refused: the cause is verified, high', () => {
    const refused = byClientPort(clientPorts.mismatch)!;
    // the server's flight (its Certificate) opened with the secrets the client logged
    expect(refused.tls.decrypted?.sides).toContain('server');
    expect(refused.tls.decrypted?.by).toBe('keylog');
    expect(refused.tls.certificates[0]?.subject).toContain('other.tlsdiag.test');
    expect(refused.tls.certificateCheck?.hostnameMatches).toBe(false);
    // Node checks the name after the handshake and closes without an alert: the decrypted certificate is the evidence
    expect(refused.outcome).toBe('failed');
    expect(refused.diagnosis?.code).toBe('certificate-hostname-mismatch');
    expect(refused.diagnosis?.basis).toBe('verified');
    expect(refused.diagnosis?.confidence).toBe('high');
  });

  it('decrypts the healthy session too, and finds nothing wrong with its certificate', () => {
    const healthy = byClientPort(clientPorts.healthy)!;
    expect(healthy.outcome).toBe('established');
    expect(healthy.tls.decrypted?.by).toBe('keylog');
    expect(healthy.tls.certificateCheck?.hostnameMatches).toBe(true);
  });

  it.skipIf(spawnSync('tshark', ['--version']).status !== 0)('names each connection by the frame of its first packet in the pcapng it wrote', () => {
    // a record's id is capture#N, N the frame number of the connection's first packet (its SYN)
    const read = spawnSync('tshark', ['-r', pcapng, '-Y', 'tcp.flags.syn == 1 && tcp.flags.ack == 0', '-T', 'fields', '-e', 'frame.number', '-e', 'tcp.srcport'], {
      encoding: 'utf8',
    });
    expect(read.status, read.stderr).toBe(0);
    const synFrame = new Map(read.stdout.trim().split('\n').map((line) => line.split('\t')).map(([frame, srcPort]) => [Number(srcPort), frame]));
    for (const record of result.records) expect(record.id.split('#')[1]).toBe(synFrame.get(record.client.port));
  });
});
