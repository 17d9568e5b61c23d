/**
 * Which server endpoints speak TLS, learned from the capture. A TCP connect that failed (refused, unanswered) carries
 * no payload, so nothing in it says TLS: it is reported when its port is a known TLS port (443, 993, ... and
 * --tls-port), or when the capture shows the same server ip:port carrying TLS — before or after it. Connections that
 * wait for that knowledge are held (bounded); those still unknown when the capture ends are left out and counted by
 * port, so the summary can say what was not reported.
 */
import type { ConnectionRecord } from '../../model/record.js';

/** Payload-less records held until their server is known to speak TLS: about 2 KB each. */
export const MAX_HELD_RECORDS = 4096;
/** Server endpoints remembered as speaking TLS. */
export const MAX_KNOWN_SERVERS = 65_536;

export class TlsServers {
  private readonly known = new Set<string>();
  private readonly held = new Map<string, ConnectionRecord[]>();
  private heldCount = 0;
  /** payload-less connections not reported, by server port */
  readonly leftOut = new Map<number, number>();

  constructor(
    private readonly ports: ReadonlySet<number>,
    private readonly emit: (record: ConnectionRecord) => void,
    private readonly maxHeld = MAX_HELD_RECORDS,
  ) {}

  /** The server endpoint speaks TLS: its port is a TLS port, or the capture showed TLS on it. */
  speaksTls(ip: string, port: number): boolean {
    return this.ports.has(port) || this.known.has(key(ip, port));
  }

  /** TLS was seen on the server endpoint: report the connects to it that were held. */
  learn(ip: string, port: number): void {
    const k = key(ip, port);
    if (this.known.has(k) || this.known.size >= MAX_KNOWN_SERVERS) return;
    this.known.add(k);
    const waiting = this.held.get(k);
    if (waiting === undefined) return;
    this.held.delete(k);
    this.heldCount -= waiting.length;
    for (const record of waiting) this.emit(record);
  }

  /** A payload-less connection to an endpoint not (yet) known to speak TLS. */
  hold(ip: string, port: number, record: ConnectionRecord): void {
    if (this.heldCount >= this.maxHeld) {
      this.count(port);
      return;
    }
    const k = key(ip, port);
    const list = this.held.get(k);
    if (list === undefined) this.held.set(k, [record]);
    else list.push(record);
    this.heldCount++;
  }

  /** The capture is over: what is still held is left out. */
  finish(): void {
    for (const records of this.held.values()) for (const record of records) this.count(record.server.port);
    this.held.clear();
    this.heldCount = 0;
  }

  /**
   * Hands over what is still held, without counting it as left out: a worker thread analyzing a share of a capture's
   * connections cannot know what the others learned; the thread that reads the capture decides (serverKey()).
   */
  takeHeld(): { server: string; record: ConnectionRecord }[] {
    const taken: { server: string; record: ConnectionRecord }[] = [];
    for (const [server, records] of this.held) for (const record of records) taken.push({ server, record });
    this.held.clear();
    this.heldCount = 0;
    return taken;
  }

  /** The server endpoints learned from the capture (as serverKey() spells them). */
  learned(): string[] {
    return [...this.known];
  }

  /** The note on what was left out (leftOutNote), or null. */
  leftOutNote(): string | null {
    return leftOutNote(this.leftOut);
  }

  private count(port: number): void {
    this.leftOut.set(port, (this.leftOut.get(port) ?? 0) + 1);
  }
}

function key(ip: string, port: number): string {
  return serverKey(ip, port);
}

/** How a server endpoint is named in takeHeld() and learned(). */
export function serverKey(ip: string, port: number): string {
  return `${ip}|${port}`;
}

/**
 * 'left out 12 connections without payload to ports not known to carry TLS: 8080 (10), 22 (2) ...' for payload-less
 * connects counted by server port (by a TlsServers, or by the reader of a sharded analysis), or null when none.
 */
export function leftOutNote(leftOut: ReadonlyMap<number, number>): string | null {
  if (leftOut.size === 0) return null;
  const byCount = [...leftOut].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  const total = byCount.reduce((sum, [, n]) => sum + n, 0);
  const shown = byCount.slice(0, 8).map(([port, n]) => `${port} (${n})`).join(', ');
  const more = byCount.length > 8 ? ` and ${byCount.length - 8} more ports` : '';
  return (
    `left out ${total} connection${total === 1 ? '' : 's'} without payload to ports not known to carry TLS: ${shown}${more}; ` +
    'add --tls-port N to report failed connects to a port'
  );
}
