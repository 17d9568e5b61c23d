/** The stream sink itself against a real redis-server: every entry delivered in order, and MAXLEN trimming. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Spool } from '../../src/sink/redis/spool.js';
import { RedisStreamSink } from '../../src/sink/redis/stream-sink.js';
import { parseRedisTarget } from '../../src/sink/redis/target.js';
import { cli, REDIS_AVAILABLE, RedisServer } from './redis.js';

if (!REDIS_AVAILABLE) console.warn('SKIPPED stream sink tests: redis-server and redis-cli are not installed');

const PORT = 16316;
const work = mkdtempSync(path.join(tmpdir(), 'tlsdiag-fleet-sink-'));
const server = new RedisServer({ port: PORT, dir: path.join(work, 'redis') });
beforeAll(async () => {
  if (REDIS_AVAILABLE) await server.start();
});
afterAll(async () => {
  await server.stop();
  rmSync(work, { recursive: true, force: true });
});

function sink(key: string, maxLen: number, notices: string[]) {
  return new RedisStreamSink({
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
