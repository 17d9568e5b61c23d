import type { ConnectionRecord, TimelineEvent } from '../model/record.js';
import { duration, endpoint, fit, millis, safe, wrap } from './format.js';
import { seg, type Line } from './lines.js';
import type { Tone } from './theme.js';

/**
 * The timeline of one connection as a two-column sequence chart:
 *
 *       ms  client 10.0.0.1:51234          server 10.0.0.2:443
 *      0.0  ── SYN ─────────────────────▶  ttl 64
 *      0.1  ◀───────────────── SYN-ACK ──  ttl 63
 *      0.6  ── ClientHello ─────────────▶  offers TLS 1.3, TLS 1.2; 31 suites
 *             ⋯ 10.0 s without a packet
 *
 * Time is relative to the client's first SYN (or the first packet when the SYN was not captured).
 */

/** A silence at least this long between two events gets a line of its own: it is often the whole story. */
const SILENCE_SECONDS = 1;

/** Events that are bad news whatever their detail says, and TCP housekeeping that is shown quieter. */
const EVENT_TONES: Readonly<Record<string, Tone>> = {
  RST: 'error',
  gap: 'warning',
  malformed: 'warning',
  'non-TLS data': 'warning',
  'handshake complete': 'ok',
  SYN: 'muted',
  'SYN-ACK': 'muted',
  FIN: 'muted',
};

function eventTone(e: TimelineEvent): Tone {
  if (e.event === 'Alert') return e.detail !== undefined && e.detail.startsWith('fatal') ? 'error' : 'warning';
  return EVENT_TONES[e.event] ?? 'plain';
}

/** The arrow for one event, `width` columns wide, pointing from its sender to the other side. */
export function arrow(e: TimelineEvent, width: number): string {
  const label = ` ${safe(e.event, 60)} `;
  const room = width - 3;
  const text = label.length > room ? label.slice(0, room - 1) + '… ' : label;
  const run = '─'.repeat(Math.max(0, width - 3 - text.length));
  return e.from === 'client' ? `──${text}${run}▶` : `◀${run}${text}──`;
}

/** Where the timeline starts: the first SYN, else the first packet. */
export function timelineOrigin(r: ConnectionRecord): { ts: number; label: string } {
  if (r.tcp.synTs !== null) return { ts: r.tcp.synTs, label: 'the first SYN' };
  return { ts: r.firstTs, label: 'the first packet (no SYN captured)' };
}

const TIME_WIDTH = 9;
/** the detail of a timeline event that was encrypted on the wire and read with a key log */
export const DECRYPTED_MARK = 'decrypted';

/** The timeline's lines for a column `width` characters wide. */
export function timelineLines(r: ConnectionRecord, width: number): Line[] {
  const origin = timelineOrigin(r);
  // the detail text gets at least 36 columns before the arrows grow
  const arrowWidth = Math.max(16, Math.min(34, width - TIME_WIDTH - 4 - 36));
  const detailColumn = TIME_WIDTH + 2 + arrowWidth + 2;
  const detailWidth = width - detailColumn;
  const lines: Line[] = [];

  const client = `client ${endpoint(r.client.ip, r.client.port)}`;
  const server = `server ${endpoint(r.server.ip, r.server.port)}`;
  const span = arrowWidth + 4;
  const ends = client.length + 1 + server.length <= span ? client + server.padStart(span - client.length) : `${client}  ${server}`;
  lines.push([seg('ms'.padStart(TIME_WIDTH), 'muted'), seg('  '), seg(ends, 'accent')]);

  let previous = origin.ts;
  for (const e of r.timeline) {
    if (e.ts - previous >= SILENCE_SECONDS) lines.push(silence(e.ts - previous, 'without a packet'));
    previous = Math.max(previous, e.ts);
    const tone = eventTone(e);
    const time = seg(millis((e.ts - origin.ts) * 1000).padStart(TIME_WIDTH), 'muted');
    const line: Line = [time, seg('  '), seg(arrow(e, arrowWidth), tone, tone === 'error')];
    const shown = e.detail === undefined ? '' : safe(e.detail, 300);
    // a message read with a key log says so: the packets alone did not show it
    const detail = e.decrypted === true ? (shown === '' ? DECRYPTED_MARK : `${DECRYPTED_MARK}: ${shown}`) : shown;
    if (detail === '') {
      lines.push(line);
    } else if (detailWidth >= 16) {
      const pieces = wrap(detail, detailWidth);
      line.push(seg('  '), seg(pieces[0], tone === 'plain' ? 'muted' : tone));
      lines.push(line);
      for (const piece of pieces.slice(1)) lines.push([seg(' '.repeat(detailColumn)), seg(piece, 'muted')]);
    } else {
      lines.push(line);
      for (const piece of wrap(detail, Math.max(16, width - TIME_WIDTH - 4))) {
        lines.push([seg(' '.repeat(TIME_WIDTH + 4)), seg(piece, 'muted')]);
      }
    }
  }

  // How the watch ended matters when nothing more came: a server that never answered looks exactly like this.
  const quiet = r.observedUntil - previous;
  if ((r.end === 'capture-end' || r.end === 'idle') && quiet >= SILENCE_SECONDS) {
    lines.push(silence(quiet, r.end === 'idle' ? 'of silence, then the connection was given up as idle' : 'of silence until the capture ended'));
  } else if (r.end === 'evicted') {
    lines.push([seg(' '.repeat(TIME_WIDTH + 2)), seg('⋯ no longer tracked (too many open connections)', 'warning')]);
  }
  lines.push([seg(' '.repeat(TIME_WIDTH + 2)), seg(`times in ms from ${origin.label}`, 'muted')]);
  return lines.map((line) => clampLine(line, width));
}

function silence(seconds: number, what: string): Line {
  return [seg(' '.repeat(TIME_WIDTH + 2)), seg(`⋯ ${duration(seconds)} ${what}`, 'warning')];
}

/** Cuts a line that would overflow its column (a long arrow label in a very narrow terminal). */
function clampLine(line: Line, width: number): Line {
  let used = 0;
  const out: Line = [];
  for (const s of line) {
    if (used + s.text.length <= width) {
      out.push(s);
      used += s.text.length;
    } else {
      const rest = width - used;
      if (rest > 0) out.push({ ...s, text: fit(s.text, rest) });
      break;
    }
  }
  return out;
}
