import type { ConnectionRecord } from '../../model/record.js';
import { sanitizeForTerminal } from '../../model/sanitize.js';
import { clockTime } from '../../model/time.js';
import { fit } from '../../ui/format.js';

/** A fixed-width cell: cut with an ellipsis, padded to `width` columns (wide and combining characters measured). */
function cell(text: string, width: number): string {
  return fit(text, width);
}

function endpoint(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

export const TEXT_HEADER =
  `${cell('time (UTC)', 12)}  ${cell('client', 22)}    ${cell('server', 22)}  ${cell('SNI', 24)}  ${cell('version', 9)}  ${cell('outcome', 11)}  cause`;

/** One connection as one line of the compact table; wire text is sanitised. */
export function recordToTextLine(r: ConnectionRecord): string {
  const sni = r.tls.clientHello?.sni ?? '';
  const version = r.tls.serverHello?.versionName ?? (r.tls.clientHello ? '-' : '');
  const cause = r.diagnosis ? `${r.diagnosis.code} (${r.diagnosis.confidence ?? 'medium'})` : (r.warnings.length > 0 ? `(${r.warnings.length} warning${r.warnings.length > 1 ? 's' : ''})` : '');
  return [
    cell(clockTime(r.firstTs), 12),
    cell(endpoint(r.client.ip, r.client.port), 22),
    '→ ',
    cell(endpoint(r.server.ip, r.server.port), 22),
    cell(sanitizeForTerminal(sni, 64), 24),
    cell(version.replace('TLS ', 'TLS'), 9),
    cell(r.outcome, 11),
    cause,
  ].join('  ');
}

/** The lines under a failed connection: its diagnosis in plain words. */
export function diagnosisLines(r: ConnectionRecord): string[] {
  if (r.diagnosis === null) return [];
  const d = r.diagnosis;
  const alternatives = d.alternatives ?? [];
  return [
    `    ${sanitizeForTerminal(d.title, 200)}`,
    `      confidence: ${d.confidence ?? 'medium'} (${d.basis ?? 'inferred'})`,
    ...d.evidence.map((e) => `      - ${sanitizeForTerminal(e, 300)}`),
    ...(alternatives.length > 0
      ? ['      also fits:', ...alternatives.map((a) => `        ${sanitizeForTerminal(a.code, 60)}: ${sanitizeForTerminal(a.why, 300)}`)]
      : []),
    `      fix: ${sanitizeForTerminal(d.fix, 400)}`,
  ];
}
