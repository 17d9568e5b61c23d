/**
 * Evidence sentences several rules share: who did what and when, what the client offered. Each returns one line of
 * a diagnosis' evidence list.
 */
import type { AlertFacts, ClientHelloFacts, Role } from '../model/record.js';
import type { FailureAct, RuleContext } from './context.js';
import { alertLabel, alertLevel, namedCode, relativeTime, summarizeList, versionLabel } from './describe.js';
import { stepPhrase, type HandshakeStep } from './steps.js';
import { isPseudoSuite } from './suites.js';

/** '1.2 ms after the ClientHello' for a capture timestamp of this connection. */
export function when(facts: RuleContext, ts: number): string {
  return relativeTime(ts, facts.origin.ts, facts.origin.name);
}

function answered(step: HandshakeStep | null, from: Role): string {
  if (!step) return '';
  return step.from === from ? `, after its own ${step.name}` : `, in answer to ${stepPhrase(step)}`;
}

/** 'the server sent a fatal handshake_failure (40) alert 0.8 ms after the ClientHello, in answer to the client's ClientHello' */
export function alertSentence(facts: RuleContext, alert: AlertFacts, after?: HandshakeStep | null): string {
  const level = alert.description === null ? '' : `${alertLevel(alert)} `;
  const label = alert.description === null ? 'an encrypted alert' : `a ${level}${alertLabel(alert)} alert`;
  const step = after === undefined ? (facts.failureAct?.alert === alert ? facts.failureAct.after : null) : after;
  return `the ${alert.from} sent ${label} ${when(facts, alert.ts)}${answered(step, alert.from)}`;
}

/** The failure act in one sentence, whatever its kind. */
export function actSentence(facts: RuleContext, act: FailureAct): string {
  if (act.kind === 'alert' && act.alert) return alertSentence(facts, act.alert, act.after);
  if (act.kind === 'FIN' && act.unseen === true) {
    // inferred: the capture missed the FIN, the peer's ACK shows it, and only when it had arrived at the latest
    const peer = act.from === 'client' ? 'server' : 'client';
    return `the ${act.from} closed the connection (inferred: its FIN was not captured, but the ${peer} acknowledged one) ${when(facts, act.ts)} at the latest${answered(act.after, act.from)}`;
  }
  const what =
    act.kind === 'RST'
      ? 'reset the connection (RST)'
      : act.kind === 'FIN'
        ? 'closed the connection (FIN)'
        : 'answered with bytes that are not TLS';
  return `the ${act.from} ${what} ${when(facts, act.ts)}${answered(act.after, act.from)}`;
}

/** The versions a ClientHello offers: its supported_versions list, else its legacy_version as the highest. */
export function offeredVersions(hello: ClientHelloFacts): { versions: string[]; fromExtension: boolean } {
  if (hello.supportedVersions.length > 0) return { versions: hello.supportedVersions, fromExtension: true };
  return { versions: [hello.legacyVersion], fromExtension: false };
}

/** The highest version a ClientHello offers, as a number. */
export function highestOffered(hello: ClientHelloFacts): number {
  let highest = 0;
  for (const v of offeredVersions(hello).versions) highest = Math.max(highest, parseInt(v, 16));
  return highest;
}

/** 'the client offered TLS 1.3 (0x0304), TLS 1.2 (0x0303) (supported_versions)' */
export function offeredVersionsSentence(hello: ClientHelloFacts, only = false): string {
  const { versions, fromExtension } = offeredVersions(hello);
  const labels = versions.map(versionLabel).join(', ');
  if (fromExtension) return `the client offered ${only ? 'only ' : ''}${labels} in supported_versions`;
  return `the client offered ${only ? 'only ' : ''}${labels} and older (legacy_version; no supported_versions extension)`;
}

/** Suite names beside their codes, signalling values (SCSVs) and GREASE left out. */
export function realSuites(hello: ClientHelloFacts): { names: string[]; codes: string[] } {
  const names: string[] = [];
  const codes: string[] = [];
  for (let i = 0; i < hello.cipherSuites.length; i++) {
    const name = hello.cipherSuiteNames[i] ?? '';
    if (isPseudoSuite(hello.cipherSuites[i], name)) continue;
    names.push(name);
    codes.push(hello.cipherSuites[i]);
  }
  return { names, codes };
}

/** 'the client offered 3 cipher suites: TLS_RSA_WITH_RC4_128_SHA (0x0005), ...' */
export function offeredSuitesSentence(hello: ClientHelloFacts): string {
  const { names, codes } = realSuites(hello);
  const labels = names.map((name, i) => namedCode(name, codes[i]));
  return `the client offered ${names.length} cipher suite${names.length === 1 ? '' : 's'}: ${summarizeList(labels)}`;
}
