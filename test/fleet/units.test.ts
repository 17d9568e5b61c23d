/** The fleet's pieces that need no server: target URLs and redaction, uids, the uid set, the spool, the sensor filter. */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionRecord } from '../../src/model/record.js';
import { describeRedisError } from '../../src/sink/redis/errors.js';
import { spoolFolder } from '../../src/sink/redis/spool-folder.js';
import { Spool, SpoolLockedError } from '../../src/sink/redis/spool.js';
import { parseRedisTarget, redactSecrets, RedisTargetError, streamKeyFor } from '../../src/sink/redis/target.js';
import { isSensorName, recordUid, stampRecord } from '../../src/sink/stamp.js';
import { UidSet } from '../../src/sink/uid-set.js';
import { TuiStore } from '../../src/ui/store.js';
import { parseTimePoint } from '../../src/cli/time-window.js';
import { HAVE_CAPTURES, recordsOf, warnIfNoCaptures } from '../ui/records.js';

warnIfNoCaptures('fleet unit tests on records');
let real: ConnectionRecord | null = null;
beforeAll(async () => {
  if (HAVE_CAPTURES) real = (await recordsOf('healthy-tls12.pcap'))[0];
});

/** A real record (from a capture) with the fields a test sets. */
function makeRecord(fields: Partial<ConnectionRecord>): ConnectionRecord {
  return { ...real!, ...fields };
}

const work = mkdtempSync(path.join(tmpdir(), 'tlsdiag-fleet-units-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('Redis target URLs', () => {
  it('parses every scheme and keeps the credentials out of what is shown', () => {
    const t = parseRedisTarget('rediss+cluster://ops:p%40ss-word@cache.example:7000/tls%3Afleet');
    expect(t).toMatchObject({ tls: true, cluster: true, host: 'cache.example', port: 7000, username: 'ops', password: 'p@ss-word', key: 'tls:fleet' });
    expect(t.display).toBe('rediss+cluster://cache.example:7000/tls:fleet');
    expect(streamKeyFor(t, 'edge-1')).toBe('tls:fleet:{edge-1}');
    const plain = parseRedisTarget('redis://[::1]/k');
    expect(plain).toMatchObject({ tls: false, cluster: false, host: '::1', port: 6379, key: 'k', display: 'redis://[::1]:6379/k' });
    expect(streamKeyFor(plain, 'edge-1')).toBe('k');
  });

  it('refuses bad URLs without echoing a password', () => {
    const attempts = ['redis://u:hunter22@host:6379', 'http://u:hunter22@host/k', 'redis+cluster://u:hunter22@host/a{b}'];
    for (const url of attempts) {
      let message = '';
      try {
        parseRedisTarget(url);
      } catch (error) {
        expect(error).toBeInstanceOf(RedisTargetError);
        message = (error as Error).message;
      }
      expect(message).not.toBe('');
      expect(message).not.toContain('hunter22');
    }
  });

  it('removes a password from any message, and words errors by what they mean', () => {
    const t = parseRedisTarget('redis://:s3cr3t-pw@h:1/k');
    expect(redactSecrets('AUTH s3cr3t-pw failed for redis://x:s3cr3t-pw@h:1/k', t)).toBe('AUTH *** failed for redis://***@h:1/k');
    expect(describeRedisError(new Error('WRONGPASS invalid username-password pair or user is disabled.'), t)).toEqual({ message: 'authentication failed: wrong user name or password', permanent: true });
    expect(describeRedisError(new Error('WRONGTYPE Operation against a key holding the wrong kind of value'), t).permanent).toBe(true);
    expect(describeRedisError(new Error('connect ECONNREFUSED 127.0.0.1:1'), t)).toMatchObject({ permanent: false });
  });
});

describe.skipIf(!HAVE_CAPTURES)('sensor names and uids', () => {
  it('accepts host-name-like sensor names only (they go into hash tags and folder names)', () => {
    expect(['edge-1', 'dc2.span.03', 'A_b']).toEqual(['edge-1', 'dc2.span.03', 'A_b'].filter(isSensorName));
    expect(['', '-x', 'a{b}', 'a b', 'a/b', 'x'.repeat(65)].filter(isSensorName)).toEqual([]);
  });

  it('gives the same record the same uid for the same sensor, and another for another sensor', () => {
    const record = makeRecord({ id: 'eth0#7', capture: 'eth0', firstTs: 1_790_000_000.25 });
    const stamped = stampRecord(record, 'edge-1');
    expect(stamped.uid).toBe(recordUid('edge-1', record));
    expect(stamped.uid).toMatch(/^[0-9a-f]{32}$/);
    expect(stampRecord(record, 'edge-1').uid).toBe(stamped.uid);
    expect(stampRecord(record, 'edge-2').uid).not.toBe(stamped.uid);
    expect(stampRecord({ ...record, firstTs: record.firstTs + 1 }, 'edge-1').uid).not.toBe(stamped.uid);
    expect(Object.keys(stamped).slice(0, 3)).toEqual(['uid', 'sensor', 'id']);
  });

  it('the uid set counts each uid once across growth', () => {
    const set = new UidSet(4);
    const uids = Array.from({ length: 5000 }, (_, i) => recordUid('s', { capture: 'c', id: String(i), firstTs: i }));
    expect(uids.map((u) => set.add(u)).every(Boolean)).toBe(true);
    expect(uids.map((u) => set.add(u)).some(Boolean)).toBe(false);
    expect(set.size).toBe(5000);
    expect(set.add('0000000000000000ffff')).toBe(true);
    expect(set.add('0000000000000000ffff')).toBe(false);
  });
});

describe('time points', () => {
  it('reads spans back from now and ISO dates', () => {
    const now = 1_800_000_000;
    expect(parseTimePoint('24h', now)).toBe(now - 86_400);
    expect(parseTimePoint('90s', now)).toBe(now - 90);
    expect(parseTimePoint('2026-11-28', now)).toBe(Date.UTC(2026, 10, 28) / 1000);
    expect(parseTimePoint('2026-11-28T06:00:00Z', now)).toBe(Date.UTC(2026, 10, 28, 6) / 1000);
    expect(() => parseTimePoint('yesterday', now)).toThrow(/span back from now/);
  });
});

describe('the spool', () => {
  it('keeps entries across processes, oldest first, within its limit, and counts what it drops', () => {
    const dir = path.join(work, 'spool-a');
    const first = new Spool({ dir, maxBytes: 1000 });
    expect(first.append(['{"n":1}', '{"n":2}'])).toBe(2);
    expect(() => new Spool({ dir, maxBytes: 1000 })).not.toThrow(); // the same process may take its own folder again
    first.close();

    const second = new Spool({ dir, maxBytes: 1000 });
    expect(second.pending).toBe(true);
    expect(second.append(['x'.repeat(2000)])).toBe(0);
    expect(second.dropped).toBe(1);
    second.append(['{"n":3}']);
    second.rotate();
    const oldest = second.peek()!;
    expect(oldest.lines).toEqual(['{"n":1}', '{"n":2}']);
    second.remove(oldest.seq);
    expect(second.peek()!.lines).toEqual(['{"n":3}']);
    expect(second.countPending()).toBe(1);
    second.remove(second.peek()!.seq);
    expect(second.pending).toBe(false);
    second.close();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses a folder another live process holds', () => {
    const dir = path.join(work, 'spool-b');
    const spool = new Spool({ dir, maxBytes: 1000 });
    spool.close();
    // pid 1 is always alive: a spool locked by it is in use
    writeFileSync(path.join(dir, 'lock'), '1');
    expect(() => new Spool({ dir, maxBytes: 1000 })).toThrow(SpoolLockedError);
  });

  it('names one folder per sensor and stream, whatever the password', () => {
    const a = spoolFolder('/r', 'edge-1', parseRedisTarget('redis://:one@h:1/k'));
    expect(spoolFolder('/r', 'edge-1', parseRedisTarget('redis://:two@h:1/k'))).toBe(a);
    expect(spoolFolder('/r', 'edge-2', parseRedisTarget('redis://:one@h:1/k'))).not.toBe(a);
    expect(spoolFolder('/r', 'edge-1', parseRedisTarget('redis://:one@h:1/other'))).not.toBe(a);
  });
});

describe.skipIf(!HAVE_CAPTURES)('the fleet view in the terminal UI store', () => {
  it('lists every sensor and shows one at a time with n', () => {
    const store = new TuiStore();
    const records = ['edge-2', 'edge-1', 'edge-2'].map((sensor, i) => stampRecord(makeRecord({ id: `c#${i}`, firstTs: 1000 + i }), sensor));
    for (const r of records) store.add(r);
    store.commit();
    expect(store.getSnapshot().sensors).toEqual([
      ['edge-1', 1],
      ['edge-2', 2],
    ]);
    store.dispatch({ type: 'cycleSensor' });
    expect(store.getSnapshot().rows.map((r) => r.sensor)).toEqual(['edge-1']);
    store.dispatch({ type: 'cycleSensor' });
    expect(store.getSnapshot().rows.map((r) => r.sensor)).toEqual(['edge-2', 'edge-2']);
    store.dispatch({ type: 'cycleSensor' });
    expect(store.getSnapshot().rows).toHaveLength(3);
    store.dispatch({ type: 'startFilter' });
    store.dispatch({ type: 'filterType', text: 'edge-1' });
    expect(store.getSnapshot().rows.map((r) => r.sensor)).toEqual(['edge-1']);
  });
});
