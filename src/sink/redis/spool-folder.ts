import { createHash } from 'node:crypto';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { RedisTarget } from './target.js';

/** Where spools live unless --spool-dir says otherwise: the XDG state folder, as for any program's persistent state. */
export function defaultSpoolRoot(): string {
  const state = process.env.XDG_STATE_HOME && process.env.XDG_STATE_HOME !== '' ? process.env.XDG_STATE_HOME : join(homedir(), '.local', 'state');
  return join(state, 'tlsdiag', 'spool');
}

/**
 * One spool folder per sensor and stream: `<root>/<sensor>-<12 hex digits>`, the digits a hash of where the stream is
 * (scheme, host, port, key) and not of the credentials, so a run with a corrected password sends what an earlier run
 * with a wrong one kept.
 */
export function spoolFolder(root: string, sensor: string, target: RedisTarget): string {
  const where = `${target.tls ? 's' : ''}${target.cluster ? 'c' : ''}\0${target.host}\0${target.port}\0${target.key}`;
  return join(root, `${sensor}-${createHash('sha256').update(where).digest('hex').slice(0, 12)}`);
}
