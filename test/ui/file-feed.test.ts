import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ConnectionRecord } from '../../src/model/record.js';
import type { FeedListener, FeedProgress } from '../../src/ui/feed.js';
import { createFileFeed } from '../../src/ui/file-feed.js';
import { CAPTURES, HAVE_CAPTURES, warnIfNoCaptures } from './records.js';

warnIfNoCaptures('ui file feed');

function collector() {
  const seen = { records: [] as ConnectionRecord[], progress: [] as FeedProgress[], notices: [] as string[], finished: 0 };
  const listener: FeedListener = {
    record: (r) => seen.records.push(r),
    progress: (p) => seen.progress.push(p),
    notice: (m) => seen.notices.push(m),
    finished: () => seen.finished++,
  };
  return { seen, listener };
}

describe.skipIf(!HAVE_CAPTURES)('file feed', () => {
  const files = ['healthy-tls12.pcap', 'reset-by-server.pcap'].map((n) => resolve(CAPTURES, n));

  it('feeds every file’s records, progress up to all bytes, and finishes once', async () => {
    const feed = createFileFeed([...files, resolve(CAPTURES, 'no-such.pcap')]);
    const { seen, listener } = collector();
    feed.subscribe(listener);
    const result = await feed.done;
    expect(result).toEqual({ failedFiles: 1, stopped: false });
    expect(seen.records.map((r) => r.capture).sort()).toEqual(['healthy-tls12.pcap', 'reset-by-server.pcap']);
    expect(seen.records.find((r) => r.capture === 'reset-by-server.pcap')?.diagnosis?.code).toBe('reset-by-server');
    const last = seen.progress[seen.progress.length - 1];
    expect(last.bytesRead).toBe(last.totalBytes);
    expect(last.packets).toBeGreaterThan(10);
    expect(last.sources).toEqual(['healthy-tls12.pcap', 'reset-by-server.pcap', 'no-such.pcap']);
    expect(seen.notices).toEqual([expect.stringMatching(/^no-such\.pcap: /)]);
    expect(seen.finished).toBe(1);
  });

  it('replays everything to a listener that subscribes after the end', async () => {
    const feed = createFileFeed(files, { notices: ['ca.pem: cannot read CA file'] });
    await feed.done;
    const { seen, listener } = collector();
    feed.subscribe(listener);
    expect(seen.records).toHaveLength(2);
    expect(seen.notices).toEqual(['ca.pem: cannot read CA file']);
    expect(seen.finished).toBe(1);
  });

  it('stops before the next file once asked to', async () => {
    const feed = createFileFeed(files);
    feed.stop();
    expect(await feed.done).toEqual({ failedFiles: 0, stopped: true });
  });
});
