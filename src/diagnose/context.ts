/**
 * What many rules need, computed once per record: who failed first and how, what that answered, whether the server
 * answered at all, how long a hello waited, the TLS 1.3 record sizes that stand in for encrypted messages, and
 * whether a reset was forged. Rules read these facts; none of them walks the record again for the same question.
 */
import type {
  AlertFacts,
  ClientHelloFacts,
  ConnectionRecord,
  Confidence,
  Diagnosis,
  EvidenceBasis,
  Outcome,
  RecordFacts,
  Role,
  ServerHelloFacts,
} from '../model/record.js';
import { versionName } from '../tls/registry/index.js';
import type { DiagnoseOptions } from './options.js';
import { decideOutcome } from './outcome.js';
import { analyzeReset, type ResetAnalysis } from './reset.js';
import { isAlertSized } from './encrypted-sizes.js';
import { CHANGE_CIPHER_SPEC, handshakeSteps, type HandshakeStep } from './steps.js';
import { reactionWindow, roundTrip, TIMER_FLOOR, timerThreshold, verdictWindow } from './timing.js';

/**
 * What a rule finds: a cause with its evidence, fix and the strength of its basis. `consistent` says whether what the
 * peers did, and when, fits the cause (a prompt rejection right after what it concerns, by the side that would
 * reject); a cause that is true of the facts but did not end this handshake is only an alternative. The confidence
 * and the alternatives are decided when all findings are weighed (weigh.ts).
 */
export interface Finding extends Omit<Diagnosis, 'basis' | 'confidence' | 'alternatives'> {
  basis: EvidenceBasis;
  consistent: boolean;
  /** why the finding is not the primary cause when it is not (shown as the alternative's reason) */
  caveat?: string;
  /** orders findings of one basis: a finding with more independent support weighs more (default 0) */
  weight?: number;
  /** the most confidence the finding can carry whatever its rivals: a pattern other causes also produce */
  ceiling?: Confidence;
}

/** One rule: the facts of a connection in, a finding out when the rule's cause fits, else null. */
export type Rule = (facts: RuleContext) => Finding | null;

/** The first thing that ended the handshake: an alert, a reset, a FIN, or bytes that are not TLS. */
export interface FailureAct {
  kind: 'alert' | 'RST' | 'FIN' | 'non-TLS';
  from: Role;
  ts: number;
  /** a FIN the capture missed: `ts` is that of the peer's ACK that acknowledged it, which it came before */
  unseen?: true;
  alert: AlertFacts | null;
  /** the last handshake step at or before it, either side's */
  after: HandshakeStep | null;
}

export interface ConnectionEnd {
  kind: 'RST' | 'FIN';
  from: Role;
  ts: number;
  /** see FailureAct.unseen */
  unseen?: true;
}

export interface RuleContext {
  record: ConnectionRecord;
  options: DiagnoseOptions;
  clientHello: ClientHelloFacts | null;
  serverHello: ServerHelloFacts | null;
  /** the negotiated version is TLS 1.3 (or one of its drafts): everything after the ServerHello is encrypted */
  tls13: boolean;
  /** the moment evidence times are given relative to: the ClientHello, else the connection's first packet */
  origin: { ts: number; name: string };
  steps: HandshakeStep[];
  lastStep: HandshakeStep | null;
  /** the alert that ended the handshake: the first fatal one, or an unreadable one before the handshake completed */
  decisiveAlert: AlertFacts | null;
  /** a HelloRetryRequest (RFC 8446 §4.1.4), with the group it asked for; found even when no real ServerHello followed */
  helloRetry: { ts: number | null; group: string | null } | null;
  /** the first RST or FIN */
  firstEnd: ConnectionEnd | null;
  failureAct: FailureAct | null;
  /** the server sent anything at all after the ClientHello: TLS records, an alert, other bytes */
  serverAnswered: boolean;
  /** seconds an unanswered ClientHello waited (to the server's close, or as long as the connection was watched) */
  helloWait: number | null;
  helloTimedOut: boolean;
  /** a SYN with no SYN-ACK: seconds it waited */
  connectWait: number | null;
  connectTimedOut: boolean;
  connectRefused: boolean;
  /** the capture shows neither hello: it began after the handshake */
  midStream: boolean;
  /**
   * both hellos came, then the handshake made no progress — no alert, FIN or RST either — for longer than the
   * handshake timeout: seconds since its last step, else null
   */
  stallWait: number | null;
  /** the server's hello was never captured but the connection carried encrypted data: the handshake is out of sight */
  handshakeHidden: boolean;
  /** the server failed the handshake (alert, close, reset) in answer to the ClientHello, before any ServerHello */
  serverFailedClientHello: boolean;
  /** the client failed the handshake after the server's certificate and before its own key exchange */
  clientRejectedServerFlight: boolean;
  /** encrypted records after the ServerHello, per side, ChangeCipherSpec left out (bounded by the record) */
  postHelloRecords: { client: RecordFacts[]; server: RecordFacts[] };
  reset: ResetAnalysis | null;
  /** the round trip seen from the capture point (timing.ts), seconds; null when not measurable */
  rtt: number | null;
  /** the client turned the server's flight down: by what act, how long after the server's last message, promptly or not */
  clientRejection: ClientRejection | null;
  /** the handshake completed and the client hung up at once without sending application data */
  hangUp: HangUp | null;
  /** the client gave up on an unanswered ClientHello or SYN after a timer of its own: seconds it waited */
  clientGaveUpAfter: number | null;
  /** one side sent nothing at all while the other went on as if answered: the capture saw one direction only */
  oneSided: boolean;
  /** both Finished messages were seen, but the client closed or reset before the last of them arrived */
  clientLeftBeforeCompletion: boolean;
  /**
   * TLS 1.3: the client sent a Finished-sized record and nothing else went wrong; the handshake completed from its
   * side even though no data followed (the server closed an idle connection much later)
   */
  tls13FinishedThenIdle: boolean;
  outcome: Outcome;
}

export interface ClientRejection {
  act: FailureAct;
  /** seconds from the server's last message before the act */
  delay: number;
  /** within a round trip and a little processing of that message (timing.ts) */
  prompt: boolean;
  /** the server's message the act answered */
  answered: HandshakeStep | null;
}

export interface HangUp {
  kind: 'FIN' | 'RST' | 'alert';
  ts: number;
  /** see FailureAct.unseen */
  unseen?: true;
  /** seconds after the handshake completed (TLS ≤ 1.2) or after the client's own Finished (TLS 1.3) */
  delay: number;
  /** TLS 1.3: the alert-sized record the client sent before closing, if any */
  alertRecord: RecordFacts | null;
  /** within a reaction of the handshake's end: a verdict on it, not a timer's or an operator's */
  prompt: boolean;
}

/** Record types a handshake and its close are made of; any other record from the client means it used the session. */
const HANDSHAKE_RECORD_TYPES: ReadonlySet<string> = new Set(['handshake', 'change_cipher_spec', 'alert']);

/** Alerts that are not failures even before the handshake completes: close_notify, user_canceled, no_renegotiation, unrecognized_name. */
const BENIGN_WARNINGS: ReadonlySet<number> = new Set([0, 90, 100, 112]);

/** Builds the facts every rule reads. Pure; never throws on a well-typed record. */
export function buildContext(record: ConnectionRecord, options: DiagnoseOptions): RuleContext {
  const { tls, tcp } = record;
  const clientHello = tls.clientHello;
  const serverHello = tls.serverHello;
  const tls13 = serverHello !== null && isTls13Version(serverHello.version);
  const origin = clientHello
    ? { ts: clientHello.ts, name: 'ClientHello' }
    : tcp.synTs !== null
      ? { ts: tcp.synTs, name: 'SYN' }
      : { ts: record.firstTs, name: 'first packet' };
  const steps = handshakeSteps(record);
  const lastStep = steps.length > 0 ? steps[steps.length - 1] : null;
  const decisiveAlert = findDecisiveAlert(record, tls13 ? sizedAlerts(record) : []);
  const firstEnd = findFirstEnd(record);
  const failureAct = findFailureAct(record, decisiveAlert, firstEnd, steps);
  const helloRetry = findHelloRetry(record);

  // a silence lasts as long as the watch that saw it: to the capture's end or the eviction, not the last packet
  const waitEnd = Math.max(record.lastTs, record.observedUntil ?? record.lastTs);
  const rtt = roundTrip(record);

  const serverAnswered = didServerAnswer(record);
  let helloWait: number | null = null;
  if (clientHello && !serverAnswered) {
    const stoppedAt = firstEnd ? firstEnd.ts : waitEnd;
    helloWait = stoppedAt - clientHello.ts;
  }
  // No packet at all from the server side: the capture may see one direction only (a filter, asymmetric routing, a
  // mirror port), so its silence proves nothing. A real unanswered ClientHello still shows the server's SYN-ACK/ACKs.
  const serverVisible = tcp.packets.server > 0;
  const clientGaveUpAfter = findClientGaveUp(record, firstEnd, serverAnswered, rtt, waitEnd);
  // a close by either side after a silence longer than a refusal takes is a timer running out: the server never answered
  const closedAfterSilence = firstEnd !== null && helloWait !== null && helloWait >= timerThreshold(rtt);
  const helloTimedOut =
    serverVisible && helloWait !== null && (helloWait > options.handshakeTimeout || closedAfterSilence);

  const midStream = clientHello === null && serverHello === null;
  const synUnanswered = midStream && tcp.synTs !== null && tcp.synAckTs === null;
  const connectRefused = synUnanswered && tcp.rst !== null && tcp.rst.from === 'server';
  const connectWait = synUnanswered && !connectRefused ? waitEnd - (tcp.synTs ?? waitEnd) : null;
  // a SYN retried twice or more with exponential back-off and no answer: the client is being ignored, whatever its
  // own timeout (curl -m 4 gives up after three SYNs)
  const synRetried = connectWait !== null && tcp.packets.client >= 3 && tcp.packets.server === 0 && connectWait >= TIMER_FLOOR;
  const connectTimedOut =
    connectWait !== null && (connectWait > options.handshakeTimeout || (clientGaveUpAfter !== null && tcp.packets.server === 0) || synRetried);

  const serverEncryptedData = tls.encryptedRecords.some((r) => r.from === 'server' && r.contentType === 23);
  const handshakeHidden = serverHello === null && (tcp.gapBytes.server > 0 || serverEncryptedData);

  // Measured on the connection's own packets (retransmissions, keep-alives, ACKs that kept coming without progress),
  // not to the end of the capture: a capture's clock can jump, and a capture that ends shows no stall by itself.
  const stallWait =
    clientHello !== null && serverHello !== null && !tls.established && failureAct === null && firstEnd === null && lastStep !== null
      ? record.lastTs - lastStep.ts
      : null;

  // A server refuses a ClientHello at once; a FIN or RST long after it is a timer of the server's (or the client's),
  // not a refusal. An alert names its reason whenever it comes.
  const serverFailedClientHello =
    failureAct !== null &&
    failureAct.from === 'server' &&
    clientHello !== null &&
    failureAct.ts >= clientHello.ts &&
    (serverHello === null || serverHello.ts > failureAct.ts) &&
    (failureAct.kind === 'alert' || failureAct.kind === 'non-TLS' || failureAct.ts - clientHello.ts < timerThreshold(rtt));

  const clientRejectedServerFlight = didClientReject(record, failureAct, tls13);

  const postHelloRecords = { client: [] as RecordFacts[], server: [] as RecordFacts[] };
  if (serverHello) {
    for (const r of tls.encryptedRecords) {
      if (r.ts < serverHello.ts || r.contentType === CHANGE_CIPHER_SPEC) continue;
      postHelloRecords[r.from].push(r);
    }
  }

  const resetSide = tcp.rst?.from;
  const peerLast = resetSide ? lastStepBefore(steps, tcp.rst?.ts ?? 0, resetSide === 'client' ? 'server' : 'client') : null;
  const reset = analyzeReset(record, peerLast);

  const clientRejection = findClientRejection(failureAct, clientRejectedServerFlight, steps, rtt);
  const hangUp = findHangUp(record, tls13, rtt);
  const oneSided = isOneSided(record);
  const clientLeftBeforeCompletion = leftBeforeCompletion(record, tls13);
  const tls13FinishedThenIdle =
    tls13 && !tls.established && finishedThenIdle(record, decisiveAlert, firstEnd, postHelloRecords.client, rtt);

  const facts: Omit<RuleContext, 'outcome'> = {
    record,
    options,
    clientHello,
    serverHello,
    tls13,
    origin,
    steps,
    lastStep,
    decisiveAlert,
    helloRetry,
    firstEnd,
    failureAct,
    serverAnswered,
    helloWait,
    helloTimedOut,
    connectWait,
    connectTimedOut,
    connectRefused,
    midStream,
    stallWait: stallWait !== null && stallWait > options.handshakeTimeout ? stallWait : null,
    handshakeHidden,
    serverFailedClientHello,
    clientRejectedServerFlight,
    postHelloRecords,
    reset,
    rtt,
    clientRejection,
    hangUp,
    clientGaveUpAfter,
    oneSided,
    clientLeftBeforeCompletion,
    tls13FinishedThenIdle,
  };
  return { ...facts, outcome: decideOutcome(facts) };
}

/** TLS 1.3 and its drafts, told by the registry's name so that drafts and experiments count too. */
export function isTls13Version(hex: string): boolean {
  return versionName(parseInt(hex, 16)).startsWith('TLS 1.3');
}

function findDecisiveAlert(record: ConnectionRecord, sized: readonly AlertFacts[]): AlertFacts | null {
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
function findHelloRetry(record: ConnectionRecord): RuleContext['helloRetry'] {
  const retry = record.tls.helloRetryRequest;
  return retry === null ? null : { ts: retry.ts, group: retry.group };
}

function findFirstEnd(record: ConnectionRecord): ConnectionEnd | null {
  const { rst, fin } = record.tcp;
  let end: ConnectionEnd | null = rst ? { kind: 'RST', from: rst.from, ts: rst.ts } : null;
  for (const f of fin) {
    if (end === null || f.ts < end.ts) end = f.unseen === true ? { kind: 'FIN', from: f.from, ts: f.ts, unseen: true } : { kind: 'FIN', from: f.from, ts: f.ts };
  }
  return end;
}

function findFailureAct(
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
function lastStepBefore(
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

function didServerAnswer(record: ConnectionRecord): boolean {
  const { tls, tcp } = record;
  if (tls.serverHello || tls.nonTlsResponse?.from === 'server') return true;
  if (tls.alerts.some((a) => a.from === 'server')) return true;
  if (tls.encryptedRecords.some((r) => r.from === 'server')) return true;
  for (const count of Object.values(tls.recordCounts.server)) if (count > 0) return true;
  // a STARTTLS server talks before the ClientHello: its bytes answer nothing
  return tls.startTls === null && tcp.payloadBytes.server > 0;
}

function didClientReject(record: ConnectionRecord, act: FailureAct | null, tls13: boolean): boolean {
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
function findClientRejection(
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
function findHangUp(record: ConnectionRecord, tls13: boolean, rtt: number | null): HangUp | null {
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
  // a fatal alert, or an encrypted one (curl's close_notify after its own host-name check: docs/alerts.md)
  if (clientAlert !== null && (clientAlert.level === 2 || clientAlert.level === null) && (closeTs === null || clientAlert.ts <= closeTs)) {
    closeTs = clientAlert.ts;
    kind = 'alert';
    unseen = false;
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
function findClientGaveUp(
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
function isOneSided(record: ConnectionRecord): boolean {
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
function sizedAlerts(record: ConnectionRecord): AlertFacts[] {
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
function leftBeforeCompletion(record: ConnectionRecord, tls13: boolean): boolean {
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
function finishedThenIdle(
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
