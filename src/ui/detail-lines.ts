import type { CertificateCheck, CertificateFacts, ConnectionRecord } from '../model/record.js';
import { isoTime } from '../model/time.js';
import { duration, millis, safe } from './format.js';
import { BLANK, heading, seg, wrapped, type Line } from './lines.js';
import { timelineOrigin } from './timeline-lines.js';
import type { Tone } from './theme.js';

/** The diagnosis: what went wrong, the evidence, the fix; for a working connection, its warnings. */
export function diagnosisLines(r: ConnectionRecord, width: number): Line[] {
  const lines: Line[] = [];
  const d = r.diagnosis;
  if (d !== null) {
    const tone: Tone = r.outcome === 'failed' ? 'error' : 'warning';
    lines.push(...wrapped([seg(r.outcome === 'failed' ? '✗ ' : '◌ ', tone, true)], safe(d.title), tone, width).map(bold));
    const confidence = d.confidence ?? 'medium';
    lines.push([
      seg('  cause ', 'muted'),
      seg(safe(d.code, 60), tone),
      seg('  confidence ', 'muted'),
      seg(confidence, confidence === 'high' ? tone : 'warning', confidence === 'high'),
      seg(` (${safe(d.basis ?? 'inferred', 20)})`, 'muted'),
    ]);
    for (const e of d.evidence) lines.push(...wrapped([seg('  • ', 'muted')], safe(e, 400), 'plain', width));
    const alternatives = d.alternatives ?? [];
    if (alternatives.length > 0) {
      lines.push([seg('  also fits', 'muted', true)]);
      for (const a of alternatives) lines.push(...wrapped([seg('  ? ', 'muted'), seg(safe(a.code, 60), 'warning'), seg(' ', 'plain')], safe(a.why, 400), 'plain', width));
    }
    lines.push(...wrapped([seg('  fix ', 'ok', true)], safe(d.fix, 600), 'plain', width));
  } else if (r.outcome === 'established') {
    const version = r.tls.serverHello?.versionName ?? 'TLS';
    const took = r.tls.establishedTs !== null ? ` in ${millis((r.tls.establishedTs - timelineOrigin(r).ts) * 1000)} ms` : '';
    lines.push([seg('✓ ', 'ok', true), seg(`${safe(version, 40)} handshake completed${took}`, 'ok', true)]);
  } else {
    lines.push([seg('◌ ', 'warning', true), seg('The handshake did not finish, and no cause could be named', 'warning', true)]);
  }
  if (r.warnings.length > 0) {
    lines.push([seg('  warnings', 'warning', true)]);
    for (const w of r.warnings) lines.push(...wrapped([seg('  ! ', 'warning')], safe(w, 400), 'plain', width));
  }
  if (r.notes.length > 0) {
    lines.push([seg('  notes', 'muted', true)]);
    for (const n of r.notes) lines.push(...wrapped([seg('  · ', 'muted')], safe(n, 400), 'muted', width));
  }
  return lines;
}

function bold(line: Line): Line {
  return line.map((s) => ({ ...s, bold: true }));
}

/** A list shown as its first few names and how many more. */
function some(names: readonly string[], max: number): string {
  if (names.length === 0) return '(none)';
  const shown = names.slice(0, max).map((n) => safe(n, 80)).join(', ');
  return names.length > max ? `${shown}, … ${names.length - max} more` : shown;
}

function field(name: string, value: string, width: number, tone: Tone = 'plain'): Line[] {
  return wrapped([seg(`  ${name.padEnd(9)}`, 'muted')], value, tone, width);
}

/** The ClientHello and the ServerHello in a few lines each: what was offered, what was chosen. */
export function helloLines(r: ConnectionRecord, width: number): Line[] {
  const lines: Line[] = [];
  const origin = timelineOrigin(r).ts;
  const ch = r.tls.clientHello;
  if (ch === null) {
    lines.push(heading('ClientHello'), [seg('  not seen', 'muted')]);
  } else {
    lines.push([...heading('ClientHello'), seg(`  at ${millis((ch.ts - origin) * 1000)} ms${ch.sslv2 ? ', SSLv2 format' : ''}`, 'muted')]);
    const versions = ch.supportedVersionNames.length > 0 ? ch.supportedVersionNames : [ch.legacyVersionName];
    lines.push(...field('versions', some(versions, 6), width));
    lines.push(...field('SNI', ch.sni === null ? '(none)' : safe(ch.sni), width, ch.sni === null ? 'warning' : 'plain'));
    if (ch.alpn.length > 0) lines.push(...field('ALPN', some(ch.alpn, 6), width));
    lines.push(...field('suites', `${ch.cipherSuites.length}: ${some(ch.cipherSuiteNames, 3)}`, width));
    if (ch.groupNames.length > 0) lines.push(...field('groups', some(ch.groupNames, 5), width));
    const flags = [
      ch.ech ? 'ECH' : '',
      ch.pskOffered ? 'PSK resumption' : '',
      ch.sessionTicket ? 'session ticket' : '',
      ch.earlyData ? 'early data' : '',
      ch.fallbackScsv ? 'fallback SCSV' : '',
    ].filter((f) => f !== '');
    if (flags.length > 0) lines.push(...field('offers', flags.join(', '), width));
    lines.push(...field('JA4', safe(ch.ja4, 80), width, 'muted'));
  }
  const sh = r.tls.serverHello;
  if (sh === null) {
    lines.push(heading('ServerHello'), [seg('  not seen', 'muted')]);
  } else {
    lines.push([...heading('ServerHello'), seg(`  at ${millis((sh.ts - origin) * 1000)} ms`, 'muted')]);
    lines.push(...field('chose', `${safe(sh.versionName, 40)}, ${safe(sh.cipherSuiteName, 80)}`, width));
    if (sh.groupName !== null) lines.push(...field('group', safe(sh.groupName, 40), width));
    if (sh.alpn !== null) lines.push(...field('ALPN', safe(sh.alpn, 80), width));
    if (sh.helloRetryRequest) lines.push(...field('retry', `HelloRetryRequest for ${safe(sh.retryGroup ?? 'another group', 40)}`, width, 'warning'));
    if (sh.sessionResumed) lines.push(...field('session', 'resumed', width));
  }
  const decrypted = r.tls.decrypted;
  if (decrypted !== null) {
    const from = decrypted.by === 'dsb' ? 'the capture\'s Decryption Secrets Block' : '--keylog';
    lines.push(...field('key log', `${decrypted.sides.join(' and ')} handshake decrypted, secrets from ${from}`, width, 'accent'));
  }
  return lines;
}

type CheckName = 'dates' | 'name' | 'chain' | 'trust';

/** Which certificate check a diagnosis is about: that one is marked as the failure, others only as findings. */
const CHECK_OF_CAUSE: Readonly<Record<string, CheckName>> = {
  'certificate-expired': 'dates',
  'certificate-not-yet-valid': 'dates',
  'certificate-hostname-mismatch': 'name',
  'certificate-chain-incomplete': 'chain',
  'certificate-untrusted': 'trust',
};

function day(iso: string): string {
  return safe(iso, 40).slice(0, 10);
}

/** The server's certificate chain, leaf first, each check passed (✓) or failed (✗, the diagnosed one in red). */
export function certificateLines(r: ConnectionRecord, width: number): Line[] {
  const certs = r.tls.certificates;
  const check = r.tls.certificateCheck;
  if (certs.length === 0) {
    const why =
      r.tls.serverHello?.version === '0x0304'
        ? 'encrypted in TLS 1.3, not visible to a passive observer (a key log shows it: --keylog, docs/keylog.md)'
        : 'none sent';
    return [heading('Certificate chain'), [seg(`  ${why}`, 'muted')]];
  }
  const diagnosed = r.diagnosis !== null ? CHECK_OF_CAUSE[r.diagnosis.code] : undefined;
  const failTone = (name: CheckName): Tone => (name === diagnosed && r.outcome === 'failed' ? 'error' : 'warning');
  const lines: Line[] = [heading('Certificate chain')];
  if (check !== null) lines[0].push(seg(`  judged at ${isoTime(check.at)}`, 'muted'));
  if (r.tls.serverHello?.version === '0x0304' && r.tls.decrypted?.sides.includes('server') === true) {
    lines[0].push(seg('  decrypted', 'accent'));
  }

  certs.forEach((cert, i) => {
    lines.push(...certificateBlock(cert, i, check, width, failTone));
  });

  if (check !== null) {
    if (!check.chainComplete && check.missingIssuer !== null) {
      lines.push(...wrapped([seg('  ✗ ', failTone('chain'), true)], `chain stops at "${safe(check.missingIssuer)}": not sent, not a known root`, failTone('chain'), width));
    } else if (!check.trusted) {
      lines.push(...wrapped([seg('  ✗ ', failTone('trust'), true)], 'the chain does not end in a trusted root', failTone('trust'), width));
    }
    const mark = (ok: boolean | null, name: CheckName, label: string): Line =>
      ok === null ? [seg(`– ${label}`, 'muted')] : ok ? [seg(`✓ ${label}`, 'ok')] : [seg(`✗ ${label}`, failTone(name), true)];
    const datesOk = check.expiredFor === null && check.notYetValidFor === null && check.chainDateProblems.length === 0;
    lines.push([
      seg('  checks  ', 'muted'),
      ...mark(datesOk, 'dates', 'dates'),
      seg('  '),
      ...mark(check.hostnameMatches, 'name', 'name'),
      seg('  '),
      ...mark(check.chainComplete, 'chain', 'chain'),
      seg('  '),
      ...mark(check.trusted, 'trust', 'trusted'),
    ]);
  }
  return lines;
}

function certificateBlock(
  cert: CertificateFacts,
  index: number,
  check: CertificateCheck | null,
  width: number,
  failTone: (name: CheckName) => Tone,
): Line[] {
  if (cert.error !== undefined) return wrapped([seg(`  ${index} `, 'muted')], `undecodable certificate: ${safe(cert.error)}`, 'warning', width);
  const leaf = index === 0;
  const expired = leaf && check !== null && check.expiredFor !== null;
  const notYet = leaf && check !== null && check.notYetValidFor !== null;
  const dateProblem = check !== null && !leaf && check.chainDateProblems.some((p) => p.includes(cert.subject));
  const nameProblem = leaf && check !== null && check.hostnameMatches === false;
  const bad = expired || notYet || dateProblem || nameProblem;
  const role = leaf ? 'leaf' : cert.ca ? 'CA' : 'cert';
  const lines: Line[] = [];
  lines.push(
    ...wrapped(
      [seg(bad ? '  ✗ ' : '  · ', bad ? failTone(nameProblem && !expired && !notYet ? 'name' : 'dates') : 'muted', true), seg(`${index} ${role} `, 'muted')],
      safe(cert.subject),
      'plain',
      width,
    ).map(bold),
  );
  lines.push(...field('  issuer', safe(cert.issuer) + (cert.selfSigned ? ' (self-signed)' : ''), width, cert.selfSigned ? 'warning' : 'plain'));
  let validity = `${day(cert.notBefore)} → ${day(cert.notAfter)}`;
  let validityTone: Tone = 'plain';
  if (expired && check !== null && check.expiredFor !== null) {
    validity += `  ✗ expired ${duration(check.expiredFor)} before`;
    validityTone = failTone('dates');
  } else if (notYet && check !== null && check.notYetValidFor !== null) {
    validity += `  ✗ valid only ${duration(check.notYetValidFor)} later`;
    validityTone = failTone('dates');
  } else if (dateProblem) {
    validity += '  ✗ outside its validity';
    validityTone = failTone('dates');
  }
  lines.push(...field('  valid', validity, width, validityTone));
  if (cert.san.length > 0 || leaf) {
    let names = some(cert.san, 4);
    if (nameProblem) names += '  ✗ does not cover the SNI';
    else if (leaf && check?.hostnameMatches === true) names += '  ✓ covers the SNI';
    lines.push(...field('  names', names, width, nameProblem ? failTone('name') : 'plain'));
  }
  const key = [cert.keyType !== null ? `${cert.keyType}${cert.keyBits !== null ? ` ${cert.keyBits}` : ''}` : '', cert.signatureAlgorithm ?? '']
    .filter((k) => k !== '')
    .join(' · ');
  if (key !== '') lines.push(...field('  key', safe(key, 80), width, 'muted'));
  return lines;
}

/** The right-hand column of the detail view (or everything below the timeline when the terminal is narrow). */
export function summaryLines(r: ConnectionRecord, width: number): Line[] {
  return [
    heading('Diagnosis'),
    ...diagnosisLines(r, width),
    BLANK,
    ...helloLines(r, width),
    BLANK,
    ...certificateLines(r, width),
  ];
}
