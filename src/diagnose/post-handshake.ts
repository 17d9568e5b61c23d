/**
 * A handshake that completed and was dropped at once. Some clients (Node.js among them) verify the server's
 * certificate only after the TLS 1.2 handshake is over, and on failure close the socket without an alert. The
 * handshake did complete — the outcome stays 'established' — but a warning says what most likely happened.
 */
import type { ConnectionRecord } from '../model/record.js';
import { certificateFindings } from './certificate.js';
import { isTls13Version } from './record-acts.js';

const APPLICATION_DATA = 'application_data';

/**
 * The client closed (FIN or RST, before the server) after the handshake without a byte of application data or an
 * alert of its own, and the certificate check found a problem: a warning naming it, else null.
 */
export function droppedAfterHandshakeWarning(record: ConnectionRecord): string | null {
  const { tls } = record;
  if (!tls.established || tls.establishedTs === null || !tls.serverHello || isTls13Version(tls.serverHello.version)) return null;
  if ((tls.recordCounts.client[APPLICATION_DATA] ?? 0) > 0 || tls.alerts.some((a) => a.from === 'client')) return null;
  const end = firstClose(record);
  if (!end || end.from !== 'client') return null;
  const findings = certificateFindings(record);
  if (findings.length === 0) return null;
  const delay = Math.max(0, (end.ts - tls.establishedTs) * 1000);
  return (
    `the client ${end.kind === 'RST' ? 'reset' : 'closed'} the connection ${delay.toFixed(1)} ms after the handshake ` +
    `completed, without application data or a close_notify, and ${findings.join('; ')}: the client most likely ` +
    'rejected the certificate after the handshake (Node.js, for one, checks it only then)'
  );
}

function firstClose(record: ConnectionRecord): { kind: 'FIN' | 'RST'; from: 'client' | 'server'; ts: number } | null {
  const { rst, fin } = record.tcp;
  let end: { kind: 'FIN' | 'RST'; from: 'client' | 'server'; ts: number } | null = rst
    ? { kind: 'RST', from: rst.from, ts: rst.ts }
    : null;
  for (const f of fin) if (end === null || f.ts < end.ts) end = { kind: 'FIN', from: f.from, ts: f.ts };
  return end;
}
