import { ByteReader } from './byte-reader.js';

/** The certificates read before the message turned out damaged, and what the damage was. */
export interface CertificateMessageError {
  error: string;
  certificates: Buffer[];
}

/**
 * Decodes a Certificate message body into its DER certificates, leaf first as sent (views of `body`).
 *
 * ```
 *  TLS ≤ 1.2 (RFC 5246 §7.4.2, SSL 3.0 RFC 6101 §5.6.2):
 *  +-----------------+------------------+-----------+------------------+-----------+
 *  | list len: u24   | cert len: u24    | DER       | cert len: u24    | DER       | …
 *  +-----------------+------------------+-----------+------------------+-----------+
 *  TLS 1.3 (RFC 8446 §4.4.2):
 *  +----------+-----------------+---------------+------------------+-----------+-------------------+------+
 *  | ctx: u8  | request context | list len: u24 | cert len: u24    | DER       | ext len: u16      | ext  | …
 *  +----------+-----------------+---------------+------------------+-----------+-------------------+------+
 * ```
 * A damaged message yields `{ error, certificates }` with the certificates that were whole before the damage.
 */
export function parseCertificateMessage(body: Buffer, tls13: boolean): Buffer[] | CertificateMessageError {
  const reader = new ByteReader(body);
  const certificates: Buffer[] = [];
  if (tls13) reader.vector(1);
  const list = reader.vector(3);
  if (reader.overrun && list.remaining === 0) {
    return { error: `Certificate message of ${body.length} bytes is truncated before its list`, certificates };
  }
  while (!list.atEnd) {
    const der = list.vector(3);
    if (der.overrun) {
      return { error: `certificate ${certificates.length + 1} is cut off by the end of the message`, certificates };
    }
    if (der.remaining === 0) return { error: `certificate ${certificates.length + 1} is empty`, certificates };
    certificates.push(der.bytes(der.remaining));
    if (tls13) {
      list.vector(2);
      if (list.overrun) {
        return { error: `certificate ${certificates.length} extensions are cut off`, certificates };
      }
    }
  }
  if (list.overrun) return { error: 'certificate list is longer than the message', certificates };
  if (!reader.atEnd) return { error: `${reader.remaining} bytes follow the certificate list`, certificates };
  return certificates;
}
