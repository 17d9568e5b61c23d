import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import type { ConnectionRecord } from '../../src/model/record.js';
import { App } from '../../src/ui/components/App.js';
import { TuiStore } from '../../src/ui/store.js';
import { themeFor } from '../../src/ui/theme.js';
import { allCaptureRecords, HAVE_CAPTURES, manyRecords, recordsOf, warnIfNoCaptures } from './records.js';

warnIfNoCaptures('ui components');

const NO_COLOR = themeFor({ NO_COLOR: '1' });
const ESC = '\x1b';

/** Lets Ink read the key and React re-render (no timing is measured). */
const settle = () => new Promise((resolve) => setTimeout(resolve, 30));

function mount(records: readonly ConnectionRecord[], size = { columns: 100, rows: 30 }) {
  const store = new TuiStore();
  for (const r of records) store.add(r);
  store.finish();
  store.commit();
  const app = render(<App store={store} title="test captures" size={size} theme={NO_COLOR} />);
  const press = async (...keys: string[]) => {
    for (const key of keys) {
      app.stdin.write(key);
      await settle();
    }
  };
  const screen = () => app.lastFrame() ?? '';
  return { store, app, press, screen };
}

/** The list's data rows: lines starting with the marker column. */
function listRows(screen: string): string[] {
  return screen.split('\n').filter((line) => /^[ ›][✗◌✓] /.test(line));
}

describe.skipIf(!HAVE_CAPTURES)('terminal app over the project captures', async () => {
  const two = HAVE_CAPTURES ? await recordsOf('healthy-tls13.pcap', 'certificate-expired.pcap') : [];
  const all = HAVE_CAPTURES ? await allCaptureRecords() : [];

  it('shows the failed connection first, with its cause, and the counts in the header', async () => {
    const { screen, app } = mount(two);
    await settle();
    const rows = listRows(screen());
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatch(/^›✗ /);
    expect(rows[0]).toContain('certificate-expired');
    expect(rows[0]).toContain('expired.tls');
    expect(rows[1]).toMatch(/^ ✓ /);
    expect(screen()).toContain('2 connections  ✗ 1 failed  ◌ 0 incomplete  ✓ 1 established');
    expect(screen()).toContain('causes  certificate-expired 1');
    app.unmount();
  });

  it('f lists failed connections only, and all again', async () => {
    const { screen, press, app } = mount(all);
    await settle();
    await press('f');
    const failed = all.filter((r) => r.outcome === 'failed').length;
    expect(screen()).toContain(`1 of ${failed} · failed only`);
    expect(listRows(screen()).every((row) => row.includes('✗'))).toBe(true);
    await press('f');
    expect(screen()).toContain(`1 of ${all.length} · all outcomes`);
    app.unmount();
  });

  it('/ filters by what is typed; Esc clears the filter', async () => {
    const { screen, press, app } = mount(all);
    await settle();
    await press('/', 'n', 'o', 't', 'y', 'e', 't');
    expect(screen()).toContain('filter /notyet');
    const rows = listRows(screen());
    expect(rows).toHaveLength(1);
    expect(rows[0]).toContain('certificate-not-yet-valid');
    await press('\r');
    expect(screen()).toContain('/notyet');
    expect(listRows(screen())).toHaveLength(1);
    await press(ESC);
    expect(screen()).toContain(`1 of ${all.length}`);
    app.unmount();
  });

  it('Enter opens the timeline and the diagnosis; Esc returns to the list', async () => {
    const { screen, press, app } = mount(two, { columns: 100, rows: 50 });
    await settle();
    await press('\r');
    const detail = screen();
    // timeline: one line per event, in ms from the SYN, arrows by direction
    expect(detail).toMatch(/ 0\.0 {2}── SYN ─+▶ {2}ttl 64/);
    expect(detail).toMatch(/◀─+ SYN-ACK ──/);
    expect(detail).toMatch(/── ClientHello ─+▶/);
    expect(detail).toMatch(/◀─+ Certificate ──/);
    expect(detail).toMatch(/── Alert ─+▶ {2}fatal certificate_expired \(45\)/);
    // the diagnosis with its evidence, and the certificate with the failed check marked
    expect(detail).toContain("✗ The server's certificate has expired");
    expect(detail).toContain('cause certificate-expired  confidence high (stated)');
    expect(detail).toContain('• the client sent a fatal certificate_expired (45) alert');
    // the alternatives, each with why it is not the primary cause
    expect(detail).toContain('also fits');
    expect(detail).toMatch(/\? certificate-untrusted .*\(assumed\)/);
    await press(' ');
    expect(screen()).toContain('✗ expired 40.5 days before');
    expect(screen()).toMatch(/checks {2}✗ dates {2}✓ name/);
    await press(ESC);
    expect(listRows(screen())).toHaveLength(2);
    expect(screen()).not.toContain('Timeline');
    app.unmount();
  });

  it('a wide terminal puts the timeline beside the diagnosis', async () => {
    const { screen, press, app } = mount(two, { columns: 160, rows: 40 });
    await settle();
    await press('\r');
    const line = screen().split('\n').find((l) => l.includes('Timeline'));
    expect(line).toMatch(/Timeline\s+Diagnosis/);
    app.unmount();
  });

  it('an 80-column terminal keeps time, server, SNI and the whole cause', async () => {
    const { screen, app } = mount(two, { columns: 80, rows: 24 });
    await settle();
    const rows = listRows(screen());
    expect(rows[0]).toContain('10.77.2.2:443');
    expect(rows[0]).toContain('certificate-expired');
    expect(screen().split('\n').every((l) => l.length <= 80)).toBe(true);
    app.unmount();
  });

  it('50,000 connections: renders only the rows that fit, and pages through them', async () => {
    const { screen, press, app } = mount(manyRecords(all, 50_000), { columns: 100, rows: 30 });
    await settle();
    const visible = 30 - 1 - 4 - 2 - 1;
    expect(listRows(screen())).toHaveLength(visible);
    expect(screen()).toContain('1 of 50,000');
    await press('G');
    expect(listRows(screen())).toHaveLength(visible);
    expect(screen()).toContain('50,000 of 50,000');
    await press('f');
    expect(listRows(screen())).toHaveLength(visible);
    app.unmount();
  });
});

describe.skipIf(!HAVE_CAPTURES)('wire text on screen', async () => {
  const [real] = HAVE_CAPTURES ? await recordsOf('certificate-expired.pcap') : [];

  it('escapes terminal control sequences and bidi overrides from the SNI and certificate names', async () => {
    const hostile = '\x1b[2Jevil\u202etxt.com';
    const record: ConnectionRecord = {
      ...real,
      tls: {
        ...real.tls,
        clientHello: real.tls.clientHello && { ...real.tls.clientHello, sni: hostile },
        certificates: real.tls.certificates.map((c) => ({ ...c, subject: `CN=${hostile}` })),
      },
      timeline: real.timeline.map((e) => (e.event === 'ClientHello' ? { ...e, detail: `SNI ${hostile}` } : e)),
    };
    const { screen, press, app } = mount([record], { columns: 160, rows: 60 });
    await settle();
    expect(screen()).toContain('\\x1b[2Jevil\\u{202e}txt.com');
    await press('\r');
    const detail = screen();
    expect(detail).toMatch(/SNI +\\x1b\[2Jevil\\u\{202e\}txt\.com/);
    expect(detail).toContain('CN=\\x1b[2Jevil');
    expect(detail).not.toContain('\x1b');
    expect(detail).not.toContain('\u202e');
    app.unmount();
  });
});
