/** Handshake message names as people write them in timelines (RFC 8446 §4 / RFC 5246 §7.4). */
export const MESSAGE_NAMES: ReadonlyMap<number, string> = new Map([
  [0, 'HelloRequest'],
  [1, 'ClientHello'],
  [2, 'ServerHello'],
  [3, 'HelloVerifyRequest'],
  [4, 'NewSessionTicket'],
  [5, 'EndOfEarlyData'],
  [6, 'HelloRetryRequest'],
  [8, 'EncryptedExtensions'],
  [11, 'Certificate'],
  [12, 'ServerKeyExchange'],
  [13, 'CertificateRequest'],
  [14, 'ServerHelloDone'],
  [15, 'CertificateVerify'],
  [16, 'ClientKeyExchange'],
  [20, 'Finished'],
  [21, 'CertificateURL'],
  [22, 'CertificateStatus'],
  [23, 'SupplementalData'],
  [24, 'KeyUpdate'],
  [25, 'CompressedCertificate'],
]);

/** A timeline is for reading: past this many events the rest is counted, not kept. */
export const MAX_TIMELINE = 200;
/** Record sizes kept per side once encryption began (enough to see an alert-sized record after the hellos). */
export const MAX_ENCRYPTED_RECORDS_PER_SIDE = 16;
/** Alerts kept per connection; a real handshake has one or two, a peer streaming them gets the rest counted. */
export const MAX_ALERTS = 32;
