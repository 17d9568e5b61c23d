/** The stream sink itself against a real redis-server: every entry delivered in order, and MAXLEN trimming. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Spool } from '../../src/sink/redis/spool.js';
import { RedisStreamSink } from '../../src/sink/redis/stream-sink.js';
import { parseRedisTarget } from '../../src/sink/redis/target.js';
import { loadRedisLibrary } from '../../src/sink/redis/connect.js';
import { cli, REDIS_AVAILABLE, RedisServer } from './redis.js';

if (!REDIS_AVAILABLE) console.warn('SKIPPED stream sink tests: redis-server and redis-cli are not installed');

const PORT = 16316;
const work = mkdtempSync(path.join(tmpdir(), 'tlsdiag-fleet-sink-'));
const server = new RedisServer({ port: PORT, dir: path.join(work, 'redis') });
beforeAll(async () => {
  await loadRedisLibrary();
  if (REDIS_AVAILABLE) await server.start();
});
afterAll(async () => {
  await server.stop();
  rmSync(work, { recursive: true, force: true });
});

function sink(key: string, maxLen: number, notices: string[], tuning: { batchSize?: number; maxInFlight?: number; maxQueuedBytes?: number } = {}) {
  return new RedisStreamSink({
    ...tuning,
    target: parseRedisTarget(`redis://127.0.0.1:${PORT}/${key}`),
    streamKey: key,
    maxLen,
    spool: new Spool({ dir: path.join(work, `spool-${key}`), maxBytes: 1e9 }),
    onNotice: (message) => notices.push(message),
  });
}

describe.skipIf(!REDIS_AVAILABLE)('the Redis stream sink', () => {
  it('delivers a burst far larger than its pipelines, all of it, in order, without the spool', async () => {
    const notices: string[] = [];
    const s = sink('burst', 0, notices);
    await s.start();
    // written in one go, faster than any pipeline is answered: close() must still send every queued entry
    for (let i = 0; i < 12_345; i++) s.write(JSON.stringify({ n: i }));
    const summary = await s.close(30_000);
    expect(summary).toMatchObject({ written: 12_345, spooled: 0, left: 0, dropped: 0, problem: null });
    expect(notices).toEqual([]);
    expect(Number(cli(PORT, ['xlen', 'burst']))).toBe(12_345);
    const first = cli(PORT, ['xrange', 'burst', '-', '+', 'COUNT', '1']).split('\n');
    const last = cli(PORT, ['xrevrange', 'burst', '+', '-', 'COUNT', '1']).split('\n');
    expect(first.slice(1)).toEqual(['record', '{"n":0}']);
    expect(last.slice(1)).toEqual(['record', '{"n":12344}']);
  });

  it('spills to the spool while Redis does not answer, then sends it all back, each entry once', async () => {
    const notices: string[] = [];
    const s = sink('paused', 0, notices, { batchSize: 100, maxInFlight: 1, maxQueuedBytes: 20_000 });
    await s.start();
    // Redis holds every write command unanswered for 1.5 s: the first pipeline waits, the rest pile up past the limit
    expect(cli(PORT, ['client', 'pause', '1500', 'WRITE'])).toBe('OK');
    for (let i = 0; i < 2000; i++) s.write(JSON.stringify({ n: i, pad: 'x'.repeat(40) }));
    const summary = await s.close(30_000);
    expect(summary).toMatchObject({ written: 2000, left: 0, dropped: 0, problem: null });
    expect(summary.spooled).toBeGreaterThan(1000);
    expect(summary.fromSpool).toBe(summary.spooled);
    expect(notices[0]).toMatch(/Redis takes records more slowly than the sensor makes them .*keeping records in the spool/);
    expect(notices.at(-1)).toMatch(/writing directly again after [\d.]+ s; \d+ record\(s\) sent from the spool so far/);
    const ns = cli(PORT, ['xrange', 'paused', '-', '+'])
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line).n as number);
    expect(ns).toHaveLength(2000);
    expect(new Set(ns).size).toBe(2000);
  });

  it('trims the stream to about MAXLEN entries', async () => {
    const s = sink('trimmed', 500, []);
    await s.start();
    for (let i = 0; i < 5000; i++) s.write(JSON.stringify({ n: i }));
    expect((await s.close(30_000)).written).toBe(5000);
    const length = Number(cli(PORT, ['xlen', 'trimmed']));
    // '~' lets Redis trim whole listpack nodes only: at least 500 stay, far fewer than 5000
    expect(length).toBeGreaterThanOrEqual(500);
    expect(length).toBeLessThan(1500);
  });
});
