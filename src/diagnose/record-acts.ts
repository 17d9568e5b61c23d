/**
 * Who did what, and when, read off a connection's record for buildContext (context.ts): the alert that decided the
 * handshake, the first close or reset, the act that failed it, whether and how promptly the client rejected what it
 * was sent, a completed handshake hung up at once, a client that gave up waiting. Pure functions of the record.
 */
import type { AlertFacts, ConnectionRecord, RecordFacts, Role } from '../model/record.js';
import { versionName } from '../tls/registry/index.js';
import type { ClientRejection, ConnectionEnd, FailureAct, HangUp, HelloRetryFacts } from './acts.js';
import { isAlertSized } from '../tls/encrypted-sizes.js';
import type { HandshakeStep } from './steps.js';
import { reactionWindow, roundTrip, TIMER_FLOOR, timerThreshold, verdictWindow } from './timing.js';

/** Record types a handshake and its close are made of; any other record from the client means it used the session. */
const HANDSHAKE_RECORD_TYPES: ReadonlySet<string> = new Set(['handshake', 'change_cipher_spec', 'alert']);

/** Alerts that are not failures even before the handshake completes: close_notify, user_canceled, no_renegotiation, unrecognized_name. */
const BENIGN_WARNINGS: ReadonlySet<number> = new Set([0, 90, 100, 112]);

/** TLS 1.3 and its drafts, told by the registry's name so that drafts and experiments count too. */
export function isTls13Version(hex: string): boolean {
  return versionName(parseInt(hex, 16)).startsWith('TLS 1.3');
}

/**
 * The alert that decided the handshake: the first fatal one (or an encrypted one, whose level cannot be read) before
 * the handshake was established; failing that, a warning that is not benign.
 */
export function findDecisiveAlert(record: ConnectionRecord, sized: readonly AlertFacts[]): AlertFacts | null {
  const { established, establishedTs } = record.tls;
  const alerts = sized.length === 0 ? record.tls.alerts : [...record.tls.alerts, ...sized].sort((a, b) => a.ts - b.ts);
  const beforeEstablished = (a: AlertFacts) => !established || establishedTs === null || a.ts <= establishedTs;
  for (const alert of alerts) {
    if (alert.level === 2 && beforeEstablished(alert)) return alert;
    if (alert.level === null && alert.encrypted && beforeEstablished(alert)) return alert;
  }
  if (established) return null;
  // some stacks send a handshake-ending problem at warning level (SSL 3.0's no_certificate, bad_certificate)
  for (const alert of alerts) {
    if (alert.level === 1 && alert.description !== null && !BENIGN_WARNINGS.has(alert.description)) return alert;
  }
  return null;
}

/** The HelloRetryRequest the record kept (found even when no real ServerHello followed). */
export function findHelloRetry(record: ConnectionRecord): HelloRetryFacts | null {
  const retry = record.tls.helloRetryRequest;
  return retry === null ? null : { ts: retry.ts, group: retry.group };
}

export function findFirstEnd(record: ConnectionRecord): ConnectionEnd | null {
  const { rst, fin } = record.tcp;
  let end: ConnectionEnd | null = rst ? { kind: 'RST', from: rst.from, ts: rst.ts } : null;
  for (const f of fin) {
    if (end === null || f.ts < end.ts) end = f.unseen === true ? { kind: 'FIN', from: f.from, ts: f.ts, unseen: true } : { kind: 'FIN', from: f.from, ts: f.ts };
  }
  return end;
}

export function findFailureAct(
  record: ConnectionRecord,
  alert: AlertFacts | null,
  end: ConnectionEnd | null,
  steps: readonly HandshakeStep[],
): FailureAct | null {
  let act: FailureAct | null = alert
    ? { kind: 'alert', from: alert.from, ts: alert.ts, alert, after: null }
    : null;
  const nonTls = record.tls.nonTlsResponse;
  // bytes that do not frame as TLS, then valid TLS from the same side: the capture missed where a record began
  const serverSpokeTls = record.tls.serverHello !== null || Object.values(record.tls.recordCounts.server).some((n) => n > 0);
  if (nonTls && nonTls.from === 'server' && !serverSpokeTls && (act === null || nonTls.ts < act.ts)) {
    act = { kind: 'non-TLS', from: nonTls.from, ts: nonTls.ts, alert: null, after: null };
  }
  // an unseen FIN came before the packet that acknowledged it, which may be the very packet of the act
  if (end && (act === null || end.ts < act.ts || (end.unseen === true && end.ts === act.ts && act.from !== end.from))) {
    act = { kind: end.kind, from: end.from, ts: end.ts, alert: null, after: null };
    if (end.unseen === true) act.unseen = true;
  }
  if (act) act.after = lastStepBefore(steps, act.ts, undefined, act.kind === 'non-TLS' ? 'non-TLS data' : undefined);
  return act;
}

/** The step at or before `ts`, skipping the act itself when it is listed as a step. */
export function lastStepBefore(
  steps: readonly HandshakeStep[],
  ts: number,
  from?: Role,
  skipName?: string,
): HandshakeStep | null {
  let found: HandshakeStep | null = null;
  for (const step of steps) {
    if (step.ts > ts) break;
    if (from !== undefined && step.from !== from) continue;
    if (skipName !== undefined && step.name === skipName) continue;
    found = step;
  }
  return found;
}

export function didServerAnswer(record: ConnectionRecord): boolean {
  const { tls, tcp } = record;
  if (tls.serverHello || tls.nonTlsResponse?.from === 'server') return true;
  if (tls.alerts.some((a) => a.from === 'server')) return true;
  if (tls.encryptedRecords.some((r) => r.from === 'server')) return true;
  for (const count of Object.values(tls.recordCounts.server)) if (count > 0) return true;
  // a STARTTLS server talks before the ClientHello: its bytes answer nothing
  return tls.startTls === null && tcp.payloadBytes.server > 0;
}

export function didClientReject(record: ConnectionRecord, act: FailureAct | null, tls13: boolean): boolean {
  const { serverHello, certificatesTs, changeCipherSpec } = record.tls;
  if (!act || act.from !== 'client' || act.kind === 'non-TLS' || !serverHello || act.ts < serverHello.ts) return false;
  if (tls13) return true;
  if (certificatesTs === null || act.ts < certificatesTs) return false;
  if (changeCipherSpec.client === null || changeCipherSpec.client >= act.ts) return true;
  // after its own ChangeCipherSpec and Finished, an alert before the server's: the client cannot be answering the
  // server's Finished, only what it had already received. NSS (Firefox) checks the certificate while its own flight
  // goes out and sends its verdict then.
  return act.kind === 'alert' && (changeCipherSpec.server === null || act.ts < changeCipherSpec.server);
}

/**
 * How the client turned the server's flight down, and whether promptly: the act measured from the server's last
 * message before it. Only a prompt act reads as a reaction to that message.
 */
export function findClientRejection(
  act: FailureAct | null,
  rejected: boolean,
  steps: readonly HandshakeStep[],
  rtt: number | null,
): ClientRejection | null {
  if (!rejected || act === null) return null;
  const answered = lastStepBefore(steps, act.ts, 'server');
  const delay = answered === null ? 0 : Math.max(0, act.ts - answered.ts);
  return { act, delay, prompt: delay <= reactionWindow(rtt), answered };
}

/**
 * The handshake completed, and the client closed at once: no application data, nothing but (TLS 1.3) its Finished
 * and perhaps an alert-sized record, then its FIN or RST (or a fatal alert) within a reaction of the handshake's end,
 * before the server closed. Clients that verify the certificate only after the handshake (Node.js, GnuTLS in wget,
 * curl's host-name check) fail that way.
 */
export function findHangUp(record: ConnectionRecord, tls13: boolean, rtt: number | null): HangUp | null {
  const { tls, tcp } = record;
  if (!tls.established || tls.establishedTs === null || tls.serverHello === null) return null;
  const end = findFirstEnd(record);
  const clientAlert = tls.alerts.find((a) => a.from === 'client' && a.ts >= (tls.establishedTs ?? 0)) ?? null;
  let closeTs: number | null = null;
  let kind: HangUp['kind'] | null = null;
  let unseen = false;
  if (end !== null && end.from === 'client') {
    closeTs = end.ts;
    kind = end.kind;
    unseen = end.unseen === true;
  }
  // a fatal alert, or an encrypted one (curl's close_notify after its own host-name check: docs/alerts.md), or one
  // opened with a key log whatever its level (that close_notify read): the client's close, even when the server's FIN
  // came before the client's own
  const closesByAlert = clientAlert !== null && (clientAlert.level === 2 || clientAlert.level === null || clientAlert.decrypted === true);
  if (clientAlert !== null && closesByAlert && (closeTs === null || clientAlert.ts <= closeTs)) {
    closeTs = clientAlert.ts;
    kind = 'alert';
    unseen = false;
  }
  // TLS 1.3 hides an alert's type: the client's alert-sized record right after its Finished (curl's close_notify after
  // its own host-name check) is its close when the server's FIN came before the client's own
  if (tls13 && kind !== 'alert' && end !== null && end.from === 'server') {
    const sized = alertSizedAfterFinished(tls);
    if (sized !== null && (closeTs === null || sized.ts < closeTs)) {
      closeTs = sized.ts;
      kind = 'alert';
      unseen = false;
    }
  }
  if (closeTs === null || kind === null) return null;
  if (end !== null && end.from === 'server' && end.ts < closeTs) return null;
  if (tcp.rst !== null && tcp.rst.from === 'server' && tcp.rst.ts <= closeTs) return null;

  let startTs = tls.establishedTs;
  let alertRecord: RecordFacts | null = null;
  if (tls13) {
    // TLS 1.3 hides the content type: the client's records after the ServerHello are its Finished, then data
    const suite = tls.serverHello.cipherSuite;
    const own = tls.encryptedRecords.filter((r) => r.from === 'client' && r.contentType === 23 && r.ts >= tls.serverHello!.ts);
    const counted = tls.recordCounts.client.application_data ?? own.length;
    if (own.length === 0) return null;
    const [finished, ...rest] = own;
    if (isAlertSized(finished.length, suite)) return null; // no Finished: not a completed handshake
    if (rest.length > 1 || counted > own.length) return null;
    if (rest.length === 1) {
      if (!isAlertSized(rest[0].length, suite)) return null; // a record that can hold data
      alertRecord = rest[0];
    }
    startTs = finished.ts;
  } else if (
    Object.entries(tls.recordCounts.client).some(([type, n]) => n > 0 && !HANDSHAKE_RECORD_TYPES.has(type)) ||
    serverDataBefore(tls, closeTs)
  ) {
    return null; // application data, a heartbeat, the server's data before the client left: the session was used
  }
  const delay = closeTs - startTs;
  if (delay < 0) return null;
  const hangUp: HangUp = { kind, ts: closeTs, delay, alertRecord, prompt: delay <= verdictWindow(rtt) };
  if (unseen) hangUp.unseen = true;
  return hangUp;
}

/**
 * TLS 1.3: the client's records after the ServerHello are a Finished and one alert-sized record, and the server sent
 * nothing larger than an alert after it: that record, the client's close. A short request is alert-sized too (29
 * bytes under a SHA-384 suite, whose Finished is 69): a server answering it with data shows the session was used.
 */
function alertSizedAfterFinished(tls: ConnectionRecord['tls']): RecordFacts | null {
  if (tls.serverHello === null) return null;
  const suite = tls.serverHello.cipherSuite;
  const own = tls.encryptedRecords.filter((r) => r.from === 'client' && r.contentType === 23 && r.ts >= tls.serverHello!.ts);
  if (own.length !== 2 || (tls.recordCounts.client.application_data ?? own.length) > own.length) return null;
  if (isAlertSized(own[0].length, suite) || !isAlertSized(own[1].length, suite)) return null;
  const sized = own[1];
  const serverKept = tls.encryptedRecords.filter((r) => r.from === 'server' && r.contentType === 23).length;
  // records past those kept have unknown sizes and times: they may be the answer
  if ((tls.recordCounts.server.application_data ?? serverKept) > serverKept) return null;
  const answered = tls.encryptedRecords.some((r) => r.from === 'server' && r.contentType === 23 && r.ts > sized.ts && !isAlertSized(r.length, suite));
  return answered ? null : sized;
}

/**
 * TLS ≤ 1.2: the server sent application data before `ts`. Data it sent after the client's alert or close is no use
 * of the session: a Go server writes its answer to the unreadable request after Firefox's alert that rejected the
 * certificate. Where more records came than were kept (their times unknown), they count as before.
 */
function serverDataBefore(tls: ConnectionRecord['tls'], ts: number): boolean {
  const count = tls.recordCounts.server.application_data ?? 0;
  if (count === 0) return false;
  const kept = tls.encryptedRecords.filter((r) => r.from === 'server' && r.contentType === 23);
  return kept.length < count || kept.some((r) => r.ts < ts);
}

/**
 * The client gave up waiting: its ClientHello (or SYN) got no answer at all, and it closed or reset after a silence
 * no refusal takes — or stopped retrying its SYN while the capture went on. Seconds it waited, else null.
 */
export function findClientGaveUp(
  record: ConnectionRecord,
  end: ConnectionEnd | null,
  serverAnswered: boolean,
  rtt: number | null,
  waitEnd: number,
): number | null {
  const { tls, tcp } = record;
  const threshold = timerThreshold(rtt);
  if (tls.clientHello !== null) {
    if (serverAnswered || end === null || end.from !== 'client') return null;
    const waited = end.ts - tls.clientHello.ts;
    return waited >= threshold ? waited : null;
  }
  if (tcp.synTs === null || tcp.synAckTs !== null || tcp.packets.server > 0) return null;
  if (end !== null && end.from === 'client') {
    const waited = end.ts - tcp.synTs;
    return waited >= threshold ? waited : null;
  }
  // retried SYNs, then nothing more while the capture went on longer than the last back-off: the client stopped
  const retrying = record.lastTs - tcp.synTs;
  if (tcp.packets.client < 2 || retrying < TIMER_FLOOR) return null;
  return waitEnd - record.lastTs >= Math.max(TIMER_FLOOR, retrying) ? retrying : null;
}

/**
 * One side sent nothing while the other carried on as if answered (payload without a SYN-ACK or any packet back):
 * the capture saw one direction only, so silences prove nothing.
 */
export function isOneSided(record: ConnectionRecord): boolean {
  const { packets, payloadBytes } = record.tcp;
  if (packets.server === 0) return payloadBytes.client > 0;
  if (packets.client === 0) return payloadBytes.server > 0;
  return false;
}

/**
 * TLS 1.3 alerts told by their size (encrypted-sizes.ts), on a handshake that did not complete: a side's record
 * smaller than any Finished of the suite that is the last it sent — an empty client Certificate (25 bytes) is followed
 * by the client's Finished, a small EncryptedExtensions by the server's certificate, so neither counts. The server's
 * must come after its own Finished-sized record. Unreadable: level and description null, as for any encrypted alert.
 */
export function sizedAlerts(record: ConnectionRecord): AlertFacts[] {
  const { tls } = record;
  if (tls.established || tls.serverHello === null) return [];
  const suite = tls.serverHello.cipherSuite;
  const found: AlertFacts[] = [];
  for (const from of ['client', 'server'] as const) {
    const own = tls.encryptedRecords.filter((r) => r.from === from && r.contentType === 23 && r.ts >= tls.serverHello!.ts);
    if (own.length === 0) continue;
    const last = own[own.length - 1];
    if (!isAlertSized(last.length, suite)) continue;
    if ((tls.recordCounts[from].application_data ?? own.length) > own.length) continue; // more records than were kept
    if (from === 'server' && !own.slice(0, -1).some((r) => !isAlertSized(r.length, suite))) continue;
    found.push({ from, ts: last.ts, level: null, description: null, name: null, encrypted: true });
  }
  return found;
}

/**
 * A completed handshake that did not work for its user, told without building the whole context: the client hung
 * up at once (findHangUp) or left before the handshake's last Finished. Most completed handshakes are neither, and
 * this spares them the rest.
 */
export function completedButAbandoned(record: ConnectionRecord): boolean {
  const hello = record.tls.serverHello;
  if (!record.tls.established || hello === null) return false;
  const tls13 = isTls13Version(hello.version);
  return leftBeforeCompletion(record, tls13) || findHangUp(record, tls13, roundTrip(record)) !== null;
}

/** TLS ≤ 1.2 only: there the completion is the last Finished; a TLS 1.3 completion is dated by the server's answer. */
export function leftBeforeCompletion(record: ConnectionRecord, tls13: boolean): boolean {
  const { tls, tcp } = record;
  const completed = tls.establishedTs;
  if (tls13 || !tls.established || completed === null) return false;
  return (tcp.rst !== null && tcp.rst.from === 'client' && tcp.rst.ts < completed) || tcp.fin.some((f) => f.from === 'client' && f.ts < completed);
}

/**
 * TLS 1.3, not marked complete: the client's last record is Finished-sized (not an alert), no alert ended anything,
 * and whatever closed the connection came long after — an idle connection the server or client let go, not a
 * failed handshake. (A client whose Finished carries more, such as an ALPS EncryptedExtensions, sends a bigger record.)
 */
export function finishedThenIdle(
  record: ConnectionRecord,
  alert: AlertFacts | null,
  end: ConnectionEnd | null,
  records: readonly RecordFacts[],
  rtt: number | null,
): boolean {
  if (alert !== null) return false;
  const suite = record.tls.serverHello?.cipherSuite ?? null;
  const client = records.filter((r) => r.contentType === 23);
  if (client.length === 0) return false;
  const last = client[client.length - 1];
  if (isAlertSized(last.length, suite)) return false;
  if (end === null) return false;
  return end.ts - last.ts > timerThreshold(rtt);
}
