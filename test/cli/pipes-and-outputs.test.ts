/**
 * Item 12 of the hostile-input issue (FIFO with no writer; an output that fails with something other than EPIPE): `tlsdiag analyze fifo` blocked in silence — and a named
 * pipe could not be read at all (a positioned read on a pipe fails with ESPIPE). A named pipe is now read as a stream,
 * and after a second without a byte the CLI says on stderr what it waits for. The test waits for that line (no
 * timing), then writes a capture into the pipe.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { closeSync, createWriteStream, existsSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BUILT, CLI } from '../report/project.js';
import { handshakeFrames, toPcap } from '../robustness/handshake-frames.js';

const work = mkdtempSync(path.join(tmpdir(), 'tlsdiag-fifo-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe.skipIf(!BUILT)('a named pipe as input', () => {
  it('says it waits for a writer, then reads the capture written into the pipe', async () => {
    const fifo = path.join(work, 'capture.fifo');
    execFileSync('mkfifo', [fifo]);
    const child = spawn(process.execPath, [CLI, 'analyze', '--format', 'ndjson', fifo], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    const waiting = new Promise<void>((resolve) => {
      child.stderr.on('data', (chunk) => {
        stderr += chunk;
        if (stderr.includes('waiting for a writer')) resolve();
      });
    });
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    await waiting;
    expect(stderr).toBe(`tlsdiag: ${fifo}: waiting for a writer to open this named pipe (nothing has opened it for writing yet)\n`);
    const writer = createWriteStream(fifo);
    writer.end(toPcap(handshakeFrames({ sni: 'through.a.pipe.test' })));
    expect(await exited).toBe(0);
    const records = stdout.trim().split('\n').map((line) => JSON.parse(line));
    expect(records.map((r) => [r.outcome, r.tls.clientHello.sni])).toEqual([['established', 'through.a.pipe.test']]);
  });
});

describe.skipIf(!BUILT || !existsSync('/dev/full'))('an output that cannot be written', () => {
  it('> /dev/full: one line naming the error, exit 2, no stack trace (analyze text and NDJSON, report)', () => {
    const capture = path.join(work, 'one.pcap');
    writeFileSync(capture, toPcap(handshakeFrames()));
    for (const args of [['analyze', '--no-tui', capture], ['analyze', '--format', 'ndjson', capture], ['report', capture]]) {
      const full = openSync('/dev/full', 'w');
      const run = spawnSync(process.execPath, [CLI, ...args], { stdio: ['ignore', full, 'pipe'], encoding: 'utf8' });
      closeSync(full);
      expect(run.status, args.join(' ')).toBe(2);
      expect(run.stderr).toBe('tlsdiag: cannot write the output: ENOSPC (no space left on device)\n');
    }
  });
});
