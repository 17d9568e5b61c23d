import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/shared.js';
import { CAPTURES, HAVE_CAPTURES } from './records.js';

/**
 * End to end: the built CLI in a real terminal (tmux), driven by keys, read back from the pane.
 * Needs tmux and `npm run build` (CI builds before testing).
 */
const HAVE_TMUX = spawnSync('tmux', ['-V']).status === 0;
const BUILT = existsSync(resolve(ROOT, 'dist/bundle/tlsdiag.js'));
const READY = HAVE_TMUX && BUILT && HAVE_CAPTURES;
if (!READY) {
  const why = !HAVE_TMUX ? 'tmux is not installed' : !BUILT ? 'dist/ is missing (run npm run build)' : 'captures/*.pcap are absent';
  console.warn(`SKIPPED terminal UI end-to-end test: ${why}`);
}

// a tmux server of our own, so nothing else running tmux on the machine is touched
const SOCKET = `tlsdiag-test-${process.pid}`;
const SESSION = 'tui';

function tmux(...args: string[]): string {
  return execFileSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8' });
}

const pane = () => tmux('capture-pane', '-p', '-t', SESSION);

/** Polls the pane until `wanted` shows (the app renders asynchronously); returns the screen either way. */
async function waitFor(wanted: string | RegExp, attempts = 100): Promise<string> {
  let screen = '';
  for (let i = 0; i < attempts; i++) {
    screen = pane();
    if (typeof wanted === 'string' ? screen.includes(wanted) : wanted.test(screen)) return screen;
    await new Promise((r) => setTimeout(r, 100));
  }
  return screen;
}

async function keys(...names: string[]): Promise<void> {
  for (const name of names) {
    tmux('send-keys', '-t', SESSION, name);
    await new Promise((r) => setTimeout(r, 150));
  }
}

describe.skipIf(!READY)('terminal UI in tmux', () => {
  afterAll(() => {
    spawnSync('tmux', ['-L', SOCKET, 'kill-server']);
  });

  it('lists, opens, goes back, filters and quits', async () => {
    const captures = ['healthy-tls13.pcap', 'certificate-expired.pcap', 'reset-by-server.pcap'].map((n) => resolve(CAPTURES, n));
    const command = ['node', resolve(ROOT, 'bin/tlsdiag.js'), ...captures].map((a) => `'${a}'`).join(' ');
    // the shell prints a marker after the app exits, so quitting is visible in the pane
    tmux('new-session', '-d', '-s', SESSION, '-x', '100', '-y', '30', `${command}; echo TUI-EXITED-$?; sleep 30`);

    let screen = await waitFor('3 connections');
    expect(screen).toContain('3 connections  ✗ 2 failed  ◌ 0 incomplete  ✓ 1 established');
    const rows = screen.split('\n').filter((l) => /^[ ›][✗◌✓] /.test(l));
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatch(/^›✗ .*certificate-expired/);
    expect(rows[1]).toMatch(/✗ .*reset-by-server/);

    await keys('j', 'Enter');
    screen = await waitFor('Timeline');
    expect(screen).toContain('reset-by-server');
    expect(screen).toMatch(/◀─+ RST ──/);

    await keys('Escape');
    screen = await waitFor(/sorted by failures first/);
    expect(screen).not.toContain('Timeline');
    expect(screen).toContain('2 of 3');

    await keys('f');
    screen = await waitFor('failed only');
    expect(screen.split('\n').filter((l) => /^[ ›][✗◌✓] /.test(l))).toHaveLength(2);

    await keys('q');
    screen = await waitFor('TUI-EXITED-');
    expect(screen).toContain('TUI-EXITED-0');
  });
});
