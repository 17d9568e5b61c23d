/**
 * What decryption found, turned into the same facts a plaintext handshake gives: the tracker's side of a
 * DecryptSession. Decrypted messages go through the tracker's own handlers (the Certificate is judged like a TLS 1.2
 * one), and every timeline event they make carries the `decrypted` marker.
 */
import type { Direction } from '../../tcp/types.js';
import type { DecryptedEvents } from '../decrypt/session.js';
import { ByteReader } from '../messages/byte-reader.js';
import { readProtocolNames } from '../messages/client-hello-extensions.js';
import { alertName } from '../registry/index.js';
import { MAX_ALERTS, MESSAGE_NAMES } from './timeline.js';
import type { ConnectionTracker } from './tracker.js';

const HS_ENCRYPTED_EXTENSIONS = 8;
const HS_CERTIFICATE = 11;
const HS_CERTIFICATE_REQUEST = 13;
const EXT_ALPN = 0x0010;
const LEVEL_FATAL = 2;

/**
 * EncryptedExtensions (RFC 8446 §4.3.1): `Extension extensions<0..2^16-1>`, each `type:u16 | data<0..2^16-1>`.
 * Returns the ALPN protocol chosen (RFC 7301 §3.1: a list holding one name), or null.
 */
export function encryptedExtensionsAlpn(body: Buffer): string | null {
  const reader = new ByteReader(body);
  const list = reader.vector(2);
  while (!list.atEnd && !list.overrun) {
    const type = list.u16();
    const data = list.vector(2);
    if (type === EXT_ALPN) {
      const names: string[] = [];
      readProtocolNames(data, names);
      return names[0] ?? null;
    }
  }
  return null;
}

export class DecryptedFacts implements DecryptedEvents {
  constructor(private readonly tracker: ConnectionTracker) {}

  decryptedHandshake(dir: Direction, msgType: number, body: Buffer, ts: number): void {
    const t = this.tracker;
    t.decryptedNow = true;
    try {
      switch (msgType) {
        case HS_CERTIFICATE:
          t.onCertificate(dir, body, ts);
          return;
        case HS_CERTIFICATE_REQUEST:
          t.certificateRequestFrom = dir;
          t.event(ts, dir, 'CertificateRequest');
          return;
        case HS_ENCRYPTED_EXTENSIONS: {
          const alpn = encryptedExtensionsAlpn(body);
          if (alpn !== null && t.serverHello !== null && t.serverHello.alpn === null) t.serverHello.alpn = alpn;
          t.event(ts, dir, 'EncryptedExtensions', alpn === null ? undefined : `ALPN ${alpn}`);
          return;
        }
        default:
          t.event(ts, dir, MESSAGE_NAMES.get(msgType) ?? `handshake type ${msgType}`);
      }
    } finally {
      t.decryptedNow = false;
    }
  }

  decryptedAlert(dir: Direction, level: number, description: number, inAlertRecord: boolean, ts: number): void {
    const t = this.tracker;
    let alert = inAlertRecord ? findUnreadAlert(t, dir) : undefined;
    if (alert === undefined) {
      if (t.alerts.length >= MAX_ALERTS) {
        t.alertsDropped++;
        return;
      }
      alert = { dir, ts, level: null, description: null, encrypted: true, packet: t.packetIndex };
      t.alerts.push(alert);
    }
    alert.level = level;
    alert.description = description;
    alert.decrypted = true;
    const levelName = level === LEVEL_FATAL ? 'fatal' : level === 1 ? 'warning' : `level ${level}`;
    t.decryptedNow = true;
    t.event(ts, dir, 'Alert', `${levelName} ${alertName(description)} (${description})`);
    t.decryptedNow = false;
  }

  decryptNote(message: string): void {
    this.tracker.addNote(message);
  }
}

/** The latest alert of `dir` still unread: the encrypted alert record the decrypted one was inside. */
function findUnreadAlert(t: ConnectionTracker, dir: Direction) {
  for (let i = t.alerts.length - 1; i >= 0; i--) {
    const alert = t.alerts[i];
    if (alert.dir === dir) return alert.level === null && alert.decrypted !== true ? alert : undefined;
  }
  return undefined;
}
