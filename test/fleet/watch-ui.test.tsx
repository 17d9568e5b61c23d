/**
 * The fleet view: the terminal app fed by a real Redis stream (FleetFeed), every sensor's connections in one list with
 * a sensor column, `n` stepping through the sensors, the same detail view.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { render } from 'ink-testing-library';
import { afterAll, describe, expect, it } from 'vitest';
import { FleetFeed } from '../../src/cli/fleet-feed.js';
import { inMemoryRecordJson } from '../../src/cli/output/ndjson.js';
import { stampRecord } from '../../src/sink/stamp.js';
import { App } from '../../src/ui/components/App.js';
import { TuiStore } from '../../src/ui/store.js';
import { themeFor } from '../../src/ui/theme.js';
import { HAVE_CAPTURES, recordsOf } from '../ui/records.js';
import { cli, REDIS_AVAILABLE, RedisServer } from './redis.js';
import { eventually } from './run.js';

const ready = HAVE_CAPTURES && REDIS_AVAILABLE;
if (!ready) console.warn('SKIPPED fleet view test: needs the captures and redis-server');

const PORT = 16320;
const work = mkdtempSync(path.join(tmpdir(), 'tlsdiag-fleet-ui-'));
const server = new RedisServer({ port: PORT, dir: path.join(work, 'redis') });
afterAll(async () => {
  await server.stop();
  rmSync(work, { recursive: true, force: true });
});

const settle = () => new Promise((resolve) => setTimeout(resolve, 30));

describe.skipIf(!ready)('tlsdiag watch: the terminal app over a stream', () => {
  it('lists every sensor’s connections with their sensor, n shows one sensor, Enter opens the detail', async () => {
    await server.start();
    const records = await recordsOf('certificate-expired.pcap', 'healthy-tls13.pcap');
    // two sensors saw the same two connections; a third entry repeats one record (sent twice), shown once
    const entries = [...records.map((r) => stampRecord(r, 'edge-east')), ...records.map((r) => stampRecord(r, 'edge-west'))];
    for (const entry of [...entries, entries[0]]) cli(PORT, ['xadd', 'fleet', '*', 'record', inMemoryRecordJson(entry)]);
    cli(PORT, ['xadd', 'fleet', '*', 'record', '{"not":"a record"}']);

    const feed = await FleetFeed.open(`redis://127.0.0.1:${PORT}/fleet`, { since: 0, sensors: [], once: false });
    const store = new TuiStore();
    feed.subscribe({ record: (r) => store.add(r), progress: (p) => store.setProgress(p), notice: (m) => store.notice(m), finished: () => store.finish() });
    await eventually('the stream read', () => {
      store.commit();
      return store.getSnapshot().total === 4;
    });
    const app = render(<App store={store} title="tlsdiag watch" size={{ columns: 120, rows: 30 }} theme={themeFor({ NO_COLOR: '1' })} />);
    await settle();
    const screen = () => app.lastFrame() ?? '';
    expect(screen()).toContain('following: 4 records from 2 sensor(s) in 1 stream(s)');
    const rows = () => screen().split('\n').filter((line) => /^[ ›][✗◌✓] /.test(line));
    expect(rows()).toHaveLength(4);
    expect(screen()).toMatch(/time \(UTC\)\s+sensor\s+client/);
    expect(rows().filter((row) => row.includes('edge-east'))).toHaveLength(2);

    app.stdin.write('n');
    await settle();
    expect(rows()).toHaveLength(2);
    expect(rows().every((row) => row.includes('edge-east'))).toBe(true);
    expect(screen()).toContain('sensor edge-east');
    app.stdin.write('n');
    await settle();
    expect(rows().every((row) => row.includes('edge-west'))).toBe(true);

    app.stdin.write('\r');
    await settle();
    expect(screen()).toContain('Timeline');
    expect(screen()).toContain('certificate-expired');

    // a sensor that starts later shows up while the view is open
    cli(PORT, ['xadd', 'fleet', '*', 'record', inMemoryRecordJson(stampRecord(records[1], 'edge-north'))]);
    await eventually('the new sensor', () => {
      store.commit();
      return store.getSnapshot().sensors.length === 3;
    });
    app.unmount();
    feed.stop();
    await feed.done;
  });
});
