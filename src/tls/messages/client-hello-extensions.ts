import type { ByteReader } from './byte-reader.js';
import type { ClientHello } from './client-hello.js';
import type { ExtensionReader } from './extension-block.js';

/** server_name (RFC 6066 §3): `ServerName server_name_list<1..2^16-1>`, each `name_type:u8 | HostName<1..2^16-1>`. */
function readServerName(data: ByteReader, hello: ClientHello): void {
  const list = data.vector(2);
  while (!list.atEnd) {
    const nameType = list.u8();
    const name = list.vector(2);
    if (list.overrun) {
      data.overrun = true;
      return;
    }
    if (nameType === HOST_NAME && hello.sni === null) hello.sni = hostName(name.buf, name.offset, name.end);
  }
  if (list.overrun) data.overrun = true;
}
const HOST_NAME = 0;

/** Strict UTF-8 that keeps a leading BOM (the printer escapes it; dropping it would hide what was sent). */
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * A HostName as text. RFC 6066 §3 asks for ASCII (A-labels), but clients do send UTF-8 names; read as latin1 those
 * became mojibake ('bÃ¼cher'). Valid UTF-8 is decoded as UTF-8; anything else stays one character per byte, so no
 * byte is lost. Either way the printers escape what is unsafe.
 */
function hostName(buf: Buffer, start: number, end: number): string {
  for (let i = start; i < end; i++) {
    if (buf[i] < 0x80) continue;
    try {
      return UTF8.decode(buf.subarray(start, end));
    } catch {
      break;
    }
  }
  return buf.toString('latin1', start, end);
}

/** ALPN (RFC 7301 §3.1): `ProtocolName protocol_name_list<2..2^16-1>`, each `ProtocolName<1..2^8-1>`. */
export function readProtocolNames(data: ByteReader, into: string[]): void {
  const list = data.vector(2);
  while (!list.atEnd) {
    const name = list.vector(1);
    if (name.overrun) break;
    into.push(name.buf.toString('latin1', name.offset, name.end));
  }
  if (list.overrun) data.overrun = true;
}

/** A `u16 list<..2^16-1>` vector (supported_groups RFC 8422 §5.1.1 / RFC 7919, signature_algorithms RFC 8446 §4.2.3). */
function readU16Vector(data: ByteReader, into: number[]): void {
  const list = data.vector(2);
  list.u16List(into);
  if (list.overrun) data.overrun = true;
}

/** supported_versions in a ClientHello (RFC 8446 §4.2.1): `ProtocolVersion versions<2..254>`, a 1-byte length. */
function readSupportedVersions(data: ByteReader, hello: ClientHello): void {
  const list = data.vector(1);
  list.u16List(hello.supportedVersions);
  if (list.overrun) data.overrun = true;
}

/** key_share in a ClientHello (RFC 8446 §4.2.8): `KeyShareEntry client_shares<0..2^16-1>`, each `group:u16 | key<1..2^16-1>`. */
function readKeyShares(data: ByteReader, hello: ClientHello): void {
  const list = data.vector(2);
  while (list.remaining >= 2) {
    hello.keyShareGroups.push(list.u16());
    list.vector(2);
  }
  if (list.overrun || !list.atEnd) data.overrun = true;
}

/** ec_point_formats (RFC 8422 §5.1.2): `ECPointFormat ec_point_format_list<1..2^8-1>`. */
function readPointFormats(data: ByteReader, hello: ClientHello): void {
  const list = data.vector(1);
  list.u8List(hello.ecPointFormats);
  if (list.overrun) data.overrun = true;
}

/**
 * What each ClientHello extension contributes, by extension type (IANA "TLS ExtensionType Values"). Types absent
 * here are only listed in `extensions`.
 */
export const CLIENT_HELLO_EXTENSION_READERS: ReadonlyMap<number, ExtensionReader<ClientHello>> = new Map<
  number,
  ExtensionReader<ClientHello>
>([
  [0x0000, readServerName],
  [0x0005, (_data, hello) => void (hello.statusRequest = true)],
  [0x000a, (data, hello) => readU16Vector(data, hello.groups)],
  [0x000b, readPointFormats],
  [0x000d, (data, hello) => readU16Vector(data, hello.signatureAlgorithms)],
  [0x0010, (data, hello) => readProtocolNames(data, hello.alpn)],
  [0x0017, (_data, hello) => void (hello.extendedMasterSecret = true)],
  [
    0x0023,
    (data, hello) => {
      hello.sessionTicket = true;
      hello.sessionTicketLength = data.remaining;
    },
  ],
  // key_share was numbered 40 until draft-ietf-tls-tls13-23 renumbered it to 51
  [0x0028, readKeyShares],
  [0x0029, (_data, hello) => void (hello.pskOffered = true)],
  [0x002a, (_data, hello) => void (hello.earlyData = true)],
  [0x002b, readSupportedVersions],
  [0x0033, readKeyShares],
  [0xfe0d, (_data, hello) => void (hello.ech = true)],
  [0xff01, (_data, hello) => void (hello.renegotiationInfo = true)],
]);
