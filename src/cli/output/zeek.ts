/**
 * Zeek's ssl.log in its ASCII (TSV) format, one line per connection, so tooling built on Zeek logs (zeek-cut, SIEM
 * parsers of ssl.log) takes tlsdiag's output as it is: the `#separator`, `#set_separator`, `#empty_field`,
 * `#unset_field`, `#path`, `#open`, `#fields`, `#types` header, `#close` at the end, and the columns of Zeek's ssl.log
 * (base/protocols/ssl/main.zeek) with one more, `tlsdiag_cause`, the diagnosed cause.
 *
 * Values are written as Zeek writes them: `T`/`F` for booleans, `-` for unset, `(empty)` for an empty set, set items
 * joined by `,`, epoch seconds with microseconds; bytes that would break a line (separators, controls, backslash) as
 * `\xHH`, as Zeek's writer escapes them.
 */
import type { ConnectionRecord } from '../../model/record.js';

const SEPARATOR = '\t';
const SET_SEPARATOR = ',';
const EMPTY = '(empty)';
const UNSET = '-';

/** [field, Zeek type]; the order of Zeek's ssl.log, then tlsdiag's column. */
export const ZEEK_SSL_COLUMNS: readonly (readonly [string, string])[] = [
  ['ts', 'time'],
  ['uid', 'string'],
  ['id.orig_h', 'addr'],
  ['id.orig_p', 'port'],
  ['id.resp_h', 'addr'],
  ['id.resp_p', 'port'],
  ['version', 'string'],
  ['cipher', 'string'],
  ['curve', 'string'],
  ['server_name', 'string'],
  ['resumed', 'bool'],
  ['last_alert', 'string'],
  ['next_protocol', 'string'],
  ['established', 'bool'],
  ['ssl_history', 'string'],
  ['cert_chain_fps', 'vector[string]'],
  ['client_cert_chain_fps', 'vector[string]'],
  ['sni_matches_cert', 'bool'],
  ['validation_status', 'string'],
  ['tlsdiag_cause', 'string'],
];

/** Zeek's spelling of a version ('TLSv12', 'SSLv3'); the IANA name for what Zeek has no spelling of. */
const ZEEK_VERSIONS: Readonly<Record<string, string>> = {
  '0x0002': 'SSLv2',
  '0x0300': 'SSLv3',
  '0x0301': 'TLSv10',
  '0x0302': 'TLSv11',
  '0x0303': 'TLSv12',
  '0x0304': 'TLSv13',
};

/**
 * Characters Zeek's ASCII writer escapes, plus those a terminal must not get raw: C1, bidirectional controls, the line
 * and paragraph separators, invisible ones (the set of src/model/sanitize.ts; lone surrogates never reach here, the
 * SNI and names being decoded UTF-8).
 */
const ESCAPED = /[\x00-\x1f\\\x7f-\x9f\xad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]/g;

function escapeChar(char: string): string {
  return [...Buffer.from(char, 'utf8')].map((byte) => `\\x${byte.toString(16).padStart(2, '0')}`).join('');
}

function text(value: string | null | undefined): string {
  if (value === null || value === undefined) return UNSET;
  if (value === '') return EMPTY;
  const escaped = value.replace(ESCAPED, escapeChar);
  // a value that reads as the unset or empty marker is escaped, as Zeek does
  return escaped === UNSET || escaped === EMPTY ? escapeChar(escaped[0]) + escaped.slice(1) : escaped;
}

function set(values: string[] | null): string {
  if (values === null) return UNSET;
  if (values.length === 0) return EMPTY;
  return values.map((value) => text(value).replaceAll(SET_SEPARATOR, '\\x2c')).join(SET_SEPARATOR);
}

function bool(value: boolean | null | undefined): string {
  return value === null || value === undefined ? UNSET : value ? 'T' : 'F';
}

/** OpenSSL's words for the chain's first problem, as Zeek's validation_status has them; '-' when nothing was checked. */
function validationStatus(record: ConnectionRecord): string {
  const check = record.tls.certificateCheck;
  if (check === null) return UNSET;
  if (check.expiredFor !== null) return 'certificate has expired';
  if (check.notYetValidFor !== null) return 'certificate is not yet valid';
  if (check.trusted) return 'ok';
  if (check.selfSigned) return 'self signed certificate';
  if (!check.chainComplete) return 'unable to get local issuer certificate';
  return 'self signed certificate in certificate chain';
}

export function zeekSslHeader(openedAt: Date): string {
  return [
    '#separator \\x09',
    `#set_separator${SEPARATOR}${SET_SEPARATOR}`,
    `#empty_field${SEPARATOR}${EMPTY}`,
    `#unset_field${SEPARATOR}${UNSET}`,
    `#path${SEPARATOR}ssl`,
    `#open${SEPARATOR}${zeekDate(openedAt)}`,
    `#fields${SEPARATOR}${ZEEK_SSL_COLUMNS.map(([name]) => name).join(SEPARATOR)}`,
    `#types${SEPARATOR}${ZEEK_SSL_COLUMNS.map(([, type]) => type).join(SEPARATOR)}`,
  ].join('\n') + '\n';
}

export function zeekSslTrailer(closedAt: Date): string {
  return `#close${SEPARATOR}${zeekDate(closedAt)}\n`;
}

/** Zeek's #open / #close stamp: local time as YYYY-MM-DD-HH-MM-SS. */
function zeekDate(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}-${pad(date.getHours())}-${pad(date.getMinutes())}-${pad(date.getSeconds())}`;
}

/** One connection as one ssl.log line (no newline). */
export function recordToZeekSsl(record: ConnectionRecord): string {
  const { clientHello, serverHello, alerts, certificates, certificateCheck } = record.tls;
  const lastAlert = alerts.filter((alert) => alert.name !== null).at(-1);
  const fingerprints = certificates.filter((c) => c.error === undefined).map((c) => c.sha256);
  const columns = [
    record.firstTs.toFixed(6),
    text(record.id),
    record.client.ip,
    String(record.client.port),
    record.server.ip,
    String(record.server.port),
    text(serverHello === null ? null : (ZEEK_VERSIONS[serverHello.version] ?? serverHello.versionName)),
    text(serverHello?.cipherSuiteName),
    text(serverHello?.groupName),
    text(clientHello?.sni),
    bool(serverHello?.sessionResumed),
    text(lastAlert?.name),
    text(serverHello?.alpn),
    bool(record.tls.established),
    text(record.tls.history),
    certificates.length === 0 ? UNSET : set(fingerprints),
    // the client's chain is counted, not fingerprinted
    UNSET,
    bool(certificateCheck?.hostnameMatches),
    validationStatus(record),
    text(record.outcome === 'failed' ? (record.diagnosis?.code ?? 'undiagnosed') : null),
  ];
  return columns.join(SEPARATOR);
}
