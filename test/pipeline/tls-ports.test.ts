/**
 * Failed TCP connects carry no payload, so nothing in them says TLS: they are reported on known TLS ports, on ports
 * named with --tls-port, and to server endpoints the same capture shows carrying TLS — before or after them. The rest
 * are counted by port in a note. Hand-built frames: a refused connect and a handshake on an unusual port, in both
 * orders, is an arrangement no stack makes on demand.
 */
import { describe, expect, it } from 'vitest';
import { createParser } from '../../src/capture/parser.js';
import type { ConnectionRecord } from '../../src/model/record.js';
import { Analyzer } from '../../src/pipeline/analyzer.js';
import { TlsServers } from '../../src/tls/session/tls-servers.js';
import { ACK, clientHelloRecord, PcapWriter, PSH, RST, serverHelloRecord, SYN } from '../fuzz/synthetic-capture.js';

const CLIENT = 0xc0000201; // 192.0.2.1
const SERVER = 0xc6336414; // 198.51.100.20
const OTHER = 0xc6336415; // 198.51.100.21

function refused(writer: PcapWriter, ts: number, server: number, port: number, clientPort: number): void {
  writer.tcp(ts, CLIENT, clientPort, server, port, 1000, 0, SYN);
  writer.tcp(ts + 0.001, server, port, CLIENT, clientPort, 0, 1001, RST | ACK);
}

function handshake(writer: PcapWriter, ts: number, port: number, clientPort: number): void {
  let c = 5000;
  let s = 9000;
  writer.tcp(ts, CLIENT, clientPort, SERVER, port, c++, 0, SYN);
  writer.tcp(ts + 0.001, SERVER, port, CLIENT, clientPort, s++, c, SYN | ACK);
  const hello = clientHelloRecord('odd-port.example');
  writer.tcp(ts + 0.002, CLIENT, clientPort, SERVER, port, c, s, ACK | PSH, hello);
  c += hello.length;
  const answer = serverHelloRecord();
  writer.tcp(ts + 0.003, SERVER, port, CLIENT, clientPort, s, c, ACK | PSH, answer);
}

function analyze(build: (writer: PcapWriter) => void, tlsPorts: number[] = []): { records: ConnectionRecord[]; notes: string[] } {
  const writer = new PcapWriter(1 << 16);
  writer.fileHeader();
  build(writer);
  const bytes = writer.take();
  const records: ConnectionRecord[] = [];
  const analyzer = new Analyzer('ports', { tlsPorts }, (r) => records.push(r));
  const parser = createParser(bytes, analyzer)!;
  parser.feed(bytes, 0, bytes.length);
  parser.finish(0, 0);
  analyzer.finish();
  return { records, notes: analyzer.notes };
}

const refusedOn = (records: ConnectionRecord[], port: number) =>
  records.filter((r) => r.server.port === port && r.diagnosis?.code === 'tcp-connect-refused');

describe('TLS ports learned from the capture', () => {
  it('reports a refused connect to an endpoint the capture shows carrying TLS later', () => {
    const { records } = analyze((w) => {
      refused(w, 1_700_000_000, SERVER, 8444, 40001);
      handshake(w, 1_700_000_001, 8444, 40002);
    });
    expect(refusedOn(records, 8444)).toHaveLength(1);
  });
  it('and one that comes after the TLS connection', () => {
    const { records } = analyze((w) => {
      handshake(w, 1_700_000_000, 8444, 40002);
      refused(w, 1_700_000_001, SERVER, 8444, 40001);
    });
    expect(refusedOn(records, 8444)).toHaveLength(1);
  });
  it('leaves out a connect to an unknown port on another host, and says so by port', () => {
    const { records, notes } = analyze((w) => {
      handshake(w, 1_700_000_000, 8444, 40002);
      refused(w, 1_700_000_001, OTHER, 8444, 40003);
      refused(w, 1_700_000_002, OTHER, 8444, 40004);
      refused(w, 1_700_000_003, OTHER, 22, 40005);
    });
    expect(refusedOn(records, 8444)).toHaveLength(0);
    expect(notes.join('\n')).toContain('left out 3 connections without payload to ports not known to carry TLS: 8444 (2), 22 (1)');
  });
  it('reports connects to a port named with --tls-port', () => {
    const { records, notes } = analyze((w) => refused(w, 1_700_000_000, OTHER, 10443, 40001), [10443]);
    expect(refusedOn(records, 10443)).toHaveLength(1);
    expect(notes.join('\n')).not.toContain('left out');
  });
  it('reports connects to well-known TLS ports without help', () => {
    expect(refusedOn(analyze((w) => refused(w, 1_700_000_000, OTHER, 993, 40001)).records, 993)).toHaveLength(1);
  });
});

describe('TlsServers', () => {
  it('holds at most its limit and counts the rest', () => {
    const emitted: ConnectionRecord[] = [];
    const servers = new TlsServers(new Set([443]), (r) => emitted.push(r), 2);
    const record = (port: number) => ({ server: { ip: '192.0.2.9', port } }) as ConnectionRecord;
    servers.hold('192.0.2.9', 8000, record(8000));
    servers.hold('192.0.2.9', 8000, record(8000));
    servers.hold('192.0.2.9', 8000, record(8000));
    servers.learn('192.0.2.9', 8000);
    expect(emitted).toHaveLength(2);
    servers.finish();
    expect(servers.leftOutNote()).toContain('left out 1 connection without payload');
  });
});
