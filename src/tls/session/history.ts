/**
 * Zeek-style ssl_history letters: one letter per message, upper case when the client sent it, lower case for the
 * server. Network teams already read these strings in Zeek's ssl.log, so the letters follow Zeek's where it has one.
 */
export const HANDSHAKE_LETTERS: ReadonlyMap<number, string> = new Map([
  [0, 'H'], // hello_request
  [1, 'C'], // client_hello
  [2, 'S'], // server_hello
  [3, 'V'], // hello_verify_request
  [4, 'T'], // new_session_ticket
  [6, 'J'], // hello_retry_request (TLS 1.3 drafts)
  [8, 'E'], // encrypted_extensions (never plaintext outside drafts)
  [11, 'X'], // certificate
  [12, 'K'], // server_key_exchange
  [13, 'R'], // certificate_request
  [14, 'N'], // server_hello_done
  [15, 'Y'], // certificate_verify
  [16, 'G'], // client_key_exchange
  [20, 'F'], // finished
  [21, 'W'], // certificate_url
  [22, 'U'], // certificate_status
  [23, 'A'], // supplemental_data
]);

export const UNKNOWN_HANDSHAKE_LETTER = 'Z';
export const LETTER_CHANGE_CIPHER_SPEC = 'I';
export const LETTER_ALERT = 'L';
export const LETTER_HELLO_RETRY_REQUEST = 'J';
/** an encrypted handshake record (the Finished of TLS ≤ 1.2) */
export const LETTER_ENCRYPTED_HANDSHAKE = 'F';
export const LETTER_APPLICATION_DATA = 'B';
export const LETTER_SSLV2 = 'V';

export const MAX_HISTORY = 64;
