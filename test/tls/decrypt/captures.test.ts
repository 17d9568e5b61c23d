/**
 * Decryption on captures made by real stacks that wrote their key logs (captures-keylog/, made by
 * scripts/make-keylog-captures.sh): each capture analyzed with its key log (or, for the pcapng, with the Decryption
 * Secrets Block inside it) against its .expect.json sidecar, and — where tshark is installed — against what tshark
 * decrypts with `-o tls.keylog_file:FILE`: the handshake messages of each side, the alerts, the certificate names.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { ConnectionRecord, Role } from '../../../src/model/record.js';
import { analyzeFile } from '../../../src/pipeline/analyze-file.js';
import { KeyLog, readKeyLog } from '../../../src/tls/decrypt/keylog.js';
import { MESSAGE_NAMES } from '../../../src/tls/session/timeline.js';
import { createTrustStore } from '../../../src/tls/trust-store.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const DIR = path.resolve(here, '../../../captures-keylog');
const ROOT_PEM = path.join(DIR, 'tlsdiag-test-root.pem');

interface Sidecar {
  name: string;
  code: string | null;
  connections: number;
  evidence: string[];
  keylog: string | null;
  decrypted: Role[];
}

const sidecars: Sidecar[] = existsSync(DIR)
  ? readdirSync(DIR)
      .filter((f) => f.endsWith('.expect.json'))
      .sort()
      .map((f) => ({ name: f.replace(/\.expect\.json$/, ''), ...JSON.parse(readFileSync(path.join(DIR, f), 'utf8')) }))
  : [];
if (sidecars.length === 0) console.warn(`SKIPPED decryption captures: none in ${DIR} (bash scripts/make-keylog-captures.sh)`);

function captureFile(s: Sidecar): string {
  const pcapng = path.join(DIR, `${s.name}.pcapng`);
  return existsSync(pcapng) ? pcapng : path.join(DIR, `${s.name}.pcap`);
}

async function analyze(s: Sidecar): Promise<{ records: ConnectionRecord[]; notes: string[] }> {
  let secrets: KeyLog | undefined;
  if (s.keylog !== null) {
    secrets = new KeyLog();
    readKeyLog(secrets, readFileSync(path.join(DIR, s.keylog), 'latin1'), 'keylog');
  }
  const records: ConnectionRecord[] = [];
  const summary = await analyzeFile(
    captureFile(s),
    { trustStore: createTrustStore([readFileSync(ROOT_PEM, 'utf8')]), secrets },
    (r) => records.push(r),
  );
  return { records, notes: summary.notes };
}

const TYPE_OF_NAME = new Map([...MESSAGE_NAMES].map(([type, name]) => [name, type]));
const HS_NEW_SESSION_TICKET = 4;

/** Handshake message types per side, as our timeline tells them. */
function ourHandshakeTypes(r: ConnectionRecord, role: Role): number[] {
  return r.timeline
    .filter((e) => e.from === role && TYPE_OF_NAME.has(e.event))
    .map((e) => TYPE_OF_NAME.get(e.event)!)
    .sort((a, b) => a - b);
}

interface TsharkView {
  handshake: Record<Role, number[]>;
  alerts: Record<Role, number[]>;
  dnsNames: string[];
}

function haveTshark(): boolean {
  try {
    execFileSync('tshark', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const TSHARK = haveTshark();
if (!TSHARK) console.warn('SKIPPED tshark comparison of decrypted handshakes: tshark is not installed');

function tsharkView(s: Sidecar, clientIp: string, tls13: boolean): TsharkView {
  const args = ['-r', captureFile(s), '-Y', 'tls', '-T', 'fields', '-E', 'separator=/t'];
  if (s.keylog !== null) args.push('-o', `tls.keylog_file:${path.join(DIR, s.keylog)}`);
  args.push('-e', 'ip.src', '-e', 'tls.handshake.type', '-e', 'tls.alert_message.desc', '-e', 'x509ce.dNSName');
  const out = execFileSync('tshark', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const view: TsharkView = { handshake: { client: [], server: [] }, alerts: { client: [], server: [] }, dnsNames: [] };
  for (const line of out.split('\n')) {
    if (line.trim() === '') continue;
    const [src, types, alerts, names] = line.split('\t');
    const role: Role = src === clientIp ? 'client' : 'server';
    const list = (field: string | undefined) => (field === undefined || field === '' ? [] : field.split(','));
    // tshark opens application data too, so it sees TLS 1.3 session tickets; tlsdiag never opens those records
    for (const t of list(types).map(Number)) if (!(tls13 && t === HS_NEW_SESSION_TICKET)) view.handshake[role].push(t);
    view.alerts[role].push(...list(alerts).map(Number));
    if (role === 'server') view.dnsNames.push(...list(names));
  }
  view.handshake.client.sort((a, b) => a - b);
  view.handshake.server.sort((a, b) => a - b);
  view.alerts.client.sort((a, b) => a - b);
  view.alerts.server.sort((a, b) => a - b);
  return view;
}

/** Every secret in a key log, in the forms it could leak in (hex either case). */
function secretsOf(s: Sidecar): string[] {
  const file = s.keylog !== null ? path.join(DIR, s.keylog) : path.join(DIR, `${s.name.replace(/^dsb--/, '')}.keys.log`);
  return readFileSync(file, 'latin1')
    .split('\n')
    .map((line) => line.trim().split(/\s+/)[2])
    .filter((hex): hex is string => hex !== undefined && /^[0-9a-fA-F]{40,}$/.test(hex))
    .flatMap((hex) => [hex.toLowerCase(), hex.toUpperCase(), Buffer.from(hex, 'hex').toString('base64')]);
}

describe.skipIf(sidecars.length === 0)('decryption with key logs written by real stacks', () => {
  it.each(sidecars)('$name: decrypted sides, facts and evidence as the sidecar says', async (s) => {
    const { records } = await analyze(s);
    expect(records).toHaveLength(s.connections);
    const r = records[0];
    expect(r.tls.decrypted?.sides ?? []).toEqual([...s.decrypted].sort());
    if (s.decrypted.length > 0) expect(r.tls.decrypted!.by).toBe(s.keylog === null ? 'dsb' : 'keylog');
    // a decrypted message says so in the timeline
    expect(r.timeline.some((e) => e.decrypted === true)).toBe(s.decrypted.length > 0);
    if (s.decrypted.includes('server')) {
      expect(r.tls.certificates.length).toBeGreaterThan(0);
      expect(r.tls.certificateCheck).not.toBeNull();
      if (s.code !== null) expect(r.diagnosis?.code).toBe(s.code);
      else expect(r.outcome).toBe('established');
    }
    const facts = JSON.stringify({ certificates: r.tls.certificates, alerts: r.tls.alerts, sni: r.tls.clientHello?.sni });
    for (const evidence of s.evidence) expect(facts).toContain(evidence);
    for (const alert of r.tls.alerts.filter((a) => a.decrypted === true)) {
      expect(alert.encrypted).toBe(true);
      expect(alert.name).not.toBeNull();
    }
  });

  it.each(sidecars)('$name: no key material and no application data in the record', async (s) => {
    const { records, notes } = await analyze(s);
    const text = JSON.stringify(records) + JSON.stringify(notes);
    for (const secret of secretsOf(s)) expect(text).not.toContain(secret);
    // every client sends an HTTP request and every server answers one: none of it may surface
    expect(text).not.toMatch(/HTTP\/1\.[01]|GET \//);
  });

  it.skipIf(!TSHARK).each(sidecars)('$name: the same handshake messages, alerts and names as tshark decrypts', async (s) => {
    const { records } = await analyze(s);
    const r = records[0];
    const view = tsharkView(s, r.client.ip, r.tls.serverHello?.version === '0x0304');
    expect(ourHandshakeTypes(r, 'client')).toEqual(view.handshake.client);
    expect(ourHandshakeTypes(r, 'server')).toEqual(view.handshake.server);
    const alerts = (role: Role) =>
      r.tls.alerts
        .filter((a) => a.from === role && a.description !== null)
        .map((a) => a.description!)
        .sort((a, b) => a - b);
    expect(alerts('client')).toEqual(view.alerts.client);
    expect(alerts('server')).toEqual(view.alerts.server);
    const ourNames = r.tls.certificates.flatMap((c) => c.san.filter((n) => n.startsWith('DNS:')).map((n) => n.slice(4)));
    expect([...new Set(ourNames)].sort()).toEqual([...new Set(view.dnsNames)].sort());
  });

  it('a key log with wrong secrets opens nothing and says so per side, without failing', async () => {
    const s = sidecars.find((c) => c.name.startsWith('keylog-wrong'))!;
    const { records } = await analyze(s);
    expect(records[0].tls.decrypted).toBeNull();
    expect(records[0].notes.filter((n) => n.includes('did not open with the logged secrets'))).toHaveLength(2);
  });

  it('a key log with one side only, or cut short, opens that side and names the missing secret', async () => {
    for (const prefix of ['keylog-client-only', 'keylog-truncated']) {
      const { records } = await analyze(sidecars.find((c) => c.name.startsWith(prefix))!);
      expect(records[0].tls.decrypted?.sides).toEqual(['client']);
      expect(records[0].notes.join('\n')).toContain('SERVER_HANDSHAKE_TRAFFIC_SECRET is not in the key log');
    }
  });

  it('the TLS 1.3 client-certificate case: CertificateRequest, the empty client Certificate and certificate_required', async () => {
    const { records } = await analyze(sidecars.find((c) => c.name === 'client-certificate-required--tls13')!);
    const r = records[0];
    expect(r.tls.certificateRequested).toBe(true);
    expect(r.tls.clientCertificates).toBe(0);
    expect(r.tls.alerts).toContainEqual(expect.objectContaining({ from: 'server', level: 2, description: 116, name: 'certificate_required', encrypted: true, decrypted: true }));
  });

  it('without a key log the same capture keeps its TLS 1.3 handshake encrypted', async () => {
    const s = sidecars.find((c) => c.name === 'certificate-expired--tls13')!;
    const { records } = await analyze({ ...s, keylog: null });
    expect(records[0].tls.decrypted).toBeNull();
    expect(records[0].tls.certificates).toEqual([]);
    expect(records[0].timeline.some((e) => e.decrypted === true)).toBe(false);
  });
});

/**
 * The browsers' own key logs (captures/browsers: Chromium's BoringSSL and Firefox's NSS wrote SSLKEYLOGFILE while
 * meeting the TLS 1.3 certificate faults, scripts/make-matrix.sh): every connection, as Wireshark decrypts it.
 */
const BROWSERS = path.resolve(here, '../../../captures/browsers');
const browserCaptures = existsSync(BROWSERS)
  ? readdirSync(BROWSERS)
      .filter((f) => f.endsWith('.keys.log'))
      .sort()
      .map((f) => ({ name: f.replace(/\.keys\.log$/, ''), keylog: path.join(BROWSERS, f), pcap: path.join(BROWSERS, f.replace(/\.keys\.log$/, '.pcap')) }))
  : [];

describe.skipIf(browserCaptures.length === 0 || !TSHARK)('decryption with the key logs of Chromium and Firefox', () => {
  it.each(browserCaptures)('$name: per connection, the handshake messages and alerts tshark decrypts', async ({ keylog, pcap }) => {
    const secrets = new KeyLog();
    readKeyLog(secrets, readFileSync(keylog, 'latin1'), 'keylog');
    const records: ConnectionRecord[] = [];
    await analyzeFile(pcap, { trustStore: createTrustStore([readFileSync(path.join(BROWSERS, 'browsers-root.pem'), 'utf8')]), secrets }, (r) => records.push(r));
    expect(records.length).toBeGreaterThan(0);
    const out = execFileSync(
      'tshark',
      ['-r', pcap, '-o', `tls.keylog_file:${keylog}`, '-Y', 'tls', '-T', 'fields', '-E', 'separator=/t', '-e', 'tcp.srcport', '-e', 'tcp.dstport', '-e', 'tls.handshake.type', '-e', 'tls.alert_message.desc'],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
    );
    for (const r of records) {
      expect(r.tls.decrypted?.by).toBe('keylog');
      const view = { client: { handshake: [] as number[], alerts: [] as number[] }, server: { handshake: [] as number[], alerts: [] as number[] } };
      for (const line of out.split('\n')) {
        const [src, dst, types, alerts] = line.split('\t');
        const role: Role | null = Number(src) === r.client.port ? 'client' : Number(dst) === r.client.port ? 'server' : null;
        if (role === null) continue;
        const list = (field: string | undefined) => (field === undefined || field === '' ? [] : field.split(',').map(Number));
        view[role].handshake.push(...list(types).filter((t) => t !== HS_NEW_SESSION_TICKET));
        view[role].alerts.push(...list(alerts));
      }
      // the server's Certificate is there only decrypted: both read it, and the client's fatal alert
      expect(view.server.handshake).toContain(11);
      expect(view.client.alerts.length + view.server.alerts.length).toBeGreaterThan(0);
      for (const role of ['client', 'server'] as const) {
        expect(ourHandshakeTypes(r, role), `${role} of ${r.id}`).toEqual(view[role].handshake.sort((a, b) => a - b));
        const ours = r.tls.alerts.filter((a) => a.from === role && a.description !== null).map((a) => a.description!);
        expect(ours.sort((a, b) => a - b), `${role} alerts of ${r.id}`).toEqual(view[role].alerts.sort((a, b) => a - b));
      }
    }
  });
});
