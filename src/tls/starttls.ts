/**
 * What plaintext protocol a connection spoke before TLS began (a STARTTLS-style upgrade), told from the first
 * plaintext bytes of each side, and a printable preview of plaintext a peer sent where TLS was expected.
 */

/** how much of each side's plaintext is looked at */
const EXAMINED_BYTES = 1024;
const PREVIEW_CHARS = 80;

interface Transcript {
  client: Buffer;
  server: Buffer;
  /** the same bytes as latin1 text, for the line-based protocols */
  clientText: string;
  serverText: string;
}

interface UpgradeSignature {
  protocol: string;
  /** where the upgrade is specified, for the reader */
  spec: string;
  matches(t: Transcript): boolean;
}

/** PostgreSQL SSLRequest / GSSENCRequest: Int32 length 8, Int32 code 80877103 / 80877104 (protocol-flow §55.2.10) */
function isPostgresEncryptionRequest(bytes: Buffer): boolean {
  if (bytes.length < 8 || bytes.readUInt32BE(0) !== 8) return false;
  const code = bytes.readUInt32BE(4);
  return code === 80877103 || code === 80877104;
}

/** MySQL capability flag CLIENT_SSL (0x0800) */
const MYSQL_CLIENT_SSL = 0x0800;

/**
 * MySQL: the server's Protocol::HandshakeV10 advertises CLIENT_SSL and the client answers with an SSLRequest packet,
 * a 32-byte payload (sequence id 1) whose capability flags set CLIENT_SSL.
 *
 *   server: len(3) seq=0 | 0x0a | server version NUL | thread id(4) | auth data(8) | 0x00 | capabilities low(2) ...
 *   client: 20 00 00 | 01 | capabilities(4, little-endian) | max packet(4) | charset(1) | 23 zero bytes
 */
function isMysqlSslUpgrade(t: Transcript): boolean {
  const client = t.client;
  if (client.length < 36 || client.readUIntLE(0, 3) !== 32 || client[3] !== 1) return false;
  if ((client.readUInt32LE(4) & MYSQL_CLIENT_SSL) === 0) return false;
  const server = t.server;
  if (server.length === 0) return true;
  if (server.length < 6 || server[3] !== 0 || server[4] !== 0x0a) return false;
  const versionEnd = server.indexOf(0, 5);
  const capabilitiesAt = versionEnd + 1 + 4 + 8 + 1;
  return versionEnd > 0 && server.length >= capabilitiesAt + 2 && (server.readUInt16LE(capabilitiesAt) & MYSQL_CLIENT_SSL) !== 0;
}

/**
 * RDP: a TPKT header (RFC 1006: version 3, reserved 0, length(2)) carrying an X.224 Connection Request (code 0xE0,
 * ISO 8073), from the client ([MS-RDPBCGR] 2.2.1.1), answered by a Connection Confirm (0xD0).
 */
function isRdpNegotiation(t: Transcript): boolean {
  const client = t.client;
  const clientOk = client.length >= 7 && client[0] === 3 && client[1] === 0 && (client[5] & 0xf0) === 0xe0;
  const server = t.server;
  const serverOk = server.length >= 7 && server[0] === 3 && server[1] === 0 && (server[5] & 0xf0) === 0xd0;
  return clientOk || (client.length === 0 && serverOk);
}

/** LDAP StartTLS: an ExtendedRequest ([APPLICATION 23], 0x77) naming OID 1.3.6.1.4.1.1466.20037 (RFC 4511 §4.14.1) */
function isLdapStartTls(t: Transcript): boolean {
  return t.client.length > 2 && t.client[0] === 0x30 && t.clientText.includes('1.3.6.1.4.1.1466.20037');
}

/**
 * SOCKS5 greeting: VER 5 | NMETHODS | METHODS (RFC 1928 §3), answered VER 5 | METHOD.
 * SOCKS4(a) request: VER 4 | CD 1/2 | DSTPORT(2) | DSTIP(4) | USERID NUL, answered 0 | 90–93.
 */
function isSocksHandshake(t: Transcript): boolean {
  const client = t.client;
  const server = t.server;
  if (client.length >= 3 && client[0] === 5 && client[1] >= 1 && client.length >= 2 + client[1]) {
    return server.length === 0 || server[0] === 5;
  }
  if (client.length >= 9 && client[0] === 4 && (client[1] === 1 || client[1] === 2)) {
    return server.length === 0 || (server.length >= 2 && server[0] === 0 && server[1] >= 90 && server[1] <= 93);
  }
  return false;
}

/** Upgrade signatures, most specific first: binary preambles, then the text protocols by their distinctive verbs. */
const UPGRADE_SIGNATURES: readonly UpgradeSignature[] = [
  { protocol: 'postgres', spec: 'PostgreSQL protocol SSLRequest', matches: (t) => isPostgresEncryptionRequest(t.client) },
  { protocol: 'mysql', spec: 'MySQL Protocol::SSLRequest', matches: isMysqlSslUpgrade },
  { protocol: 'rdp', spec: 'MS-RDPBCGR X.224 Connection Request', matches: isRdpNegotiation },
  { protocol: 'ldap', spec: 'RFC 4511 §4.14', matches: isLdapStartTls },
  { protocol: 'socks', spec: 'RFC 1928, SOCKS4', matches: isSocksHandshake },
  {
    protocol: 'http-connect',
    spec: 'RFC 9110 §9.3.6',
    matches: (t) => /^CONNECT \S+ HTTP\/1\.[01]\r?\n/.test(t.clientText),
  },
  {
    protocol: 'xmpp',
    spec: 'RFC 6120 §5',
    matches: (t) => /<starttls\s[^>]*urn:ietf:params:xml:ns:xmpp-tls/.test(t.clientText + t.serverText),
  },
  { protocol: 'ftp', spec: 'RFC 4217', matches: (t) => /^AUTH (TLS|SSL|TLS-C)\r?$/im.test(t.clientText) },
  {
    protocol: 'imap',
    spec: 'RFC 9051 §6.2.1',
    matches: (t) => /^\S+ STARTTLS\r?$/im.test(t.clientText) || /^\* OK\b/.test(t.serverText),
  },
  {
    protocol: 'pop3',
    spec: 'RFC 2595 §4',
    matches: (t) => /^STLS\r?$/im.test(t.clientText) || /^\+OK\b/.test(t.serverText),
  },
  {
    protocol: 'sieve',
    spec: 'RFC 5804 §2.2',
    matches: (t) => /^"(IMPLEMENTATION|SIEVE|STARTTLS)"/m.test(t.serverText),
  },
  {
    protocol: 'nntp',
    spec: 'RFC 4642',
    matches: (t) => /^20[01] /.test(t.serverText) && /^STARTTLS\r?$/im.test(t.clientText),
  },
  {
    protocol: 'irc',
    spec: 'IRCv3 tls extension (RPL_STARTTLS 670)',
    matches: (t) =>
      /^:\S+ 670 /m.test(t.serverText) ||
      (/^STARTTLS\r?$/im.test(t.clientText) && /^(CAP|NICK|USER) /im.test(t.clientText)),
  },
  {
    protocol: 'smtp',
    spec: 'RFC 3207',
    matches: (t) =>
      /^(EHLO|HELO) /im.test(t.clientText) || (/^220[ -]/.test(t.serverText) && /^STARTTLS\r?$/im.test(t.clientText)),
  },
];

/**
 * Names the plaintext protocol that preceded TLS on a connection, from the first plaintext bytes of each side
 * (only the first KiB of each is looked at): 'smtp', 'imap', 'pop3', 'ftp', 'ldap', 'xmpp', 'irc', 'postgres',
 * 'mysql', 'rdp', 'socks', 'http-connect', 'nntp', 'sieve'; 'unknown-plaintext' when plaintext preceded TLS but no
 * signature matched; null when there was no plaintext at all.
 */
export function identifyUpgrade(clientPlaintext: Buffer, serverPlaintext: Buffer): string | null {
  if (clientPlaintext.length === 0 && serverPlaintext.length === 0) return null;
  const client = clientPlaintext.subarray(0, EXAMINED_BYTES);
  const server = serverPlaintext.subarray(0, EXAMINED_BYTES);
  const transcript: Transcript = {
    client,
    server,
    clientText: client.toString('latin1'),
    serverText: server.toString('latin1'),
  };
  for (const signature of UPGRADE_SIGNATURES) {
    if (signature.matches(transcript)) return signature.protocol;
  }
  return 'unknown-plaintext';
}

/**
 * A short printable preview of bytes a peer sent where TLS was expected (e.g. `HTTP/1.1 400 Bad Request\x0d\x0a...`):
 * printable ASCII as is, every other byte and the backslash as \xNN, at most 80 characters ('...' marks a cut).
 */
export function describePlaintext(bytes: Buffer): string {
  const cutBudget = PREVIEW_CHARS - 3;
  let preview = '';
  let cutAt = 0;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i];
    const printable = byte >= 0x20 && byte < 0x7f && byte !== 0x5c;
    preview += printable ? String.fromCharCode(byte) : `\\x${byte.toString(16).padStart(2, '0')}`;
    if (preview.length <= cutBudget) cutAt = preview.length;
    if (preview.length > PREVIEW_CHARS) return `${preview.slice(0, cutAt)}...`;
  }
  return preview;
}
