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
  ServerHelloFacts,
} from '../model/record.js';
import type { DiagnoseOptions } from './options.js';
import { decideOutcome } from './outcome.js';
import { analyzeReset, type ResetAnalysis } from './reset.js';
import {
  didClientReject,
  didServerAnswer,
  findClientGaveUp,
  findClientRejection,
  findDecisiveAlert,
  findFailureAct,
  findFirstEnd,
  findHangUp,
  findHelloRetry,
  finishedThenIdle,
  isOneSided,
  isTls13Version,
  lastStepBefore,
  leftBeforeCompletion,
  sizedAlerts,
} from './record-acts.js';
import type { ClientRejection, ConnectionEnd, FailureAct, HangUp, HelloRetryFacts } from './acts.js';
import { CHANGE_CIPHER_SPEC, handshakeSteps, type HandshakeStep } from './steps.js';
import { roundTrip, TIMER_FLOOR, timerThreshold } from './timing.js';

export type { ClientRejection, ConnectionEnd, FailureAct, HangUp, HelloRetryFacts } from './acts.js';

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
  helloRetry: HelloRetryFacts | null;
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
