export type { DecodeError, MessageDamage } from './types.js';
export { type ClientHello, parseClientHello } from './client-hello.js';
export { type ServerHello, parseServerHello, parseDraftHelloRetryRequest } from './server-hello.js';
export {
  type Sslv2ClientHello,
  type Sslv2ServerHello,
  type Sslv2ClientMasterKey,
  parseSslv2ClientHello,
  parseSslv2ServerHello,
  parseSslv2ClientMasterKey,
} from './sslv2-hello.js';
export { type CertificateMessageError, parseCertificateMessage } from './certificate.js';
