import type { ConnectionRecord } from '../../src/model/record.js';
import type { TruthConnection } from '../helpers/truth.js';

export interface Disagreement {
  capture: string;
  /** 'client -> server' as in the truth file */
  connection: string;
  field: string;
  ours: string;
  truth: string;
}

function endpointText(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

function pairKey(a: string, b: string): string {
  return a < b ? `${a}|${b}` : `${b}|${a}`;
}

/** GREASE (RFC 8701): 0x?a?a with both bytes equal. */
function isGreaseHex(v: string): boolean {
  const n = Number.parseInt(v, 16);
  return (n & 0x0f0f) === 0x0a0a && n >> 8 === (n & 0xff);
}

/** legacy_version then supported_versions, GREASE out, de-duplicated in order: the truth file's rule. */
export function versionsOffered(r: ConnectionRecord): string[] {
  const ch = r.tls.clientHello;
  if (ch === null) return [];
  const out: string[] = [];
  for (const v of [ch.legacyVersion, ...ch.supportedVersions]) if (!isGreaseHex(v) && !out.includes(v)) out.push(v);
  return out;
}

function alertsText(alerts: { from: string; level: number | null; description: number | null; encrypted: boolean }[]): string {
  return JSON.stringify(alerts.map((a) => [a.from, a.level, a.description, a.encrypted]));
}

/** The fields the suite compares, in our record and in the truth, as comparable text. */
export function comparableFields(r: ConnectionRecord | null, t: TruthConnection): [string, string, string][] {
  const sh = r?.tls.serverHello ?? null;
  return [
    ['sni', JSON.stringify(r?.tls.clientHello?.sni ?? null), JSON.stringify(t.sni)],
    ['client_versions_offered', JSON.stringify(r ? versionsOffered(r) : []), JSON.stringify(t.client_versions_offered)],
    ['server_version', JSON.stringify(sh?.version ?? null), JSON.stringify(t.server_version)],
    ['cipher_suite', JSON.stringify(sh?.cipherSuite || null), JSON.stringify(t.cipher_suite)],
    ['alerts', alertsText(r?.tls.alerts ?? []), alertsText(t.alerts)],
    ['hello_retry_request', String(r !== null && r.tls.helloRetryRequest !== null), String(t.hello_retry_request)],
    ['handshake_complete', String(r?.tls.established ?? false), String(t.handshake_complete)],
  ];
}

/**
 * Matches our records to the truth's connections by endpoint pair (by start time when a pair repeats), and lists
 * every field that differs, leaving out the fields the truth itself marks as unreliable for that connection.
 */
export function compareCapture(capture: string, records: ConnectionRecord[], truth: TruthConnection[]): Disagreement[] {
  const byPair = new Map<string, ConnectionRecord[]>();
  for (const r of [...records].sort((a, b) => a.firstTs - b.firstTs)) {
    const key = pairKey(endpointText(r.client.ip, r.client.port), endpointText(r.server.ip, r.server.port));
    const list = byPair.get(key) ?? [];
    list.push(r);
    byPair.set(key, list);
  }
  const out: Disagreement[] = [];
  for (const t of truth) {
    const connection = `${t.client} -> ${t.server}`;
    // A 4-tuple can carry several connections (port reuse). tshark sometimes keeps a refused attempt and the
    // connection that reused its ports as one stream; we report two. Take ours that carried TLS within the truth's
    // time span, else the one that began nearest to it.
    const candidates = byPair.get(pairKey(t.client, t.server)) ?? [];
    const carriedTls = (c: ConnectionRecord) => c.tls.history !== '' && c.firstTs >= t.first_ts - 1e-3;
    let best = -1;
    for (let i = 0; i < candidates.length; i++) {
      const c = candidates[i];
      if (best < 0) best = i;
      else if (carriedTls(c) !== carriedTls(candidates[best])) {
        if (carriedTls(c)) best = i;
      } else if (Math.abs(c.firstTs - t.first_ts) < Math.abs(candidates[best].firstTs - t.first_ts)) best = i;
    }
    const r = best < 0 ? null : candidates.splice(best, 1)[0];
    if (r === null) {
      out.push({ capture, connection, field: 'connection', ours: 'missing', truth: 'present' });
      continue;
    }
    const ourClient = endpointText(r.client.ip, r.client.port);
    if (ourClient !== t.client) out.push({ capture, connection, field: 'client', ours: ourClient, truth: t.client });
    for (const [field, ours, expected] of comparableFields(r, t)) {
      if (t.reassembly_sensitive_fields.includes(field)) continue;
      if (ours !== expected) out.push({ capture, connection, field, ours, truth: expected });
    }
  }
  return out;
}
