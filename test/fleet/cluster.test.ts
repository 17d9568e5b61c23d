/**
 * A 3-node Redis Cluster on loopback ports, made by `redis-cli --cluster create` the way an operator makes one: each
 * sensor writes its own stream KEY:{sensor}, the streams land on different masters, and `report --from` and `watch`
 * find and read them all.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILT, CAPTURES, sidecars, TEST_ROOT_CA } from '../report/project.js';
import { cli, REDIS_AVAILABLE, RedisServer } from './redis.js';
import { eventually, readReport, Running, tlsdiag, withoutInputs } from './run.js';

const ready = BUILT && REDIS_AVAILABLE && sidecars().length > 0;
if (!ready) console.warn('SKIPPED fleet cluster tests: needs a built dist/, redis-server and redis-cli, and the captures');

const PORTS = [16340, 16341, 16342];
const work = mkdtempSync(path.join(tmpdir(), 'tlsdiag-fleet-cluster-'));
const nodes = PORTS.map((port) => new RedisServer({ port, dir: path.join(work, `node-${port}`), cluster: true }));

beforeAll(async () => {
  if (!ready) return;
  for (const node of nodes) await node.start();
  const create = spawnSync('redis-cli', ['--cluster', 'create', ...PORTS.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes'], { encoding: 'utf8' });
  if (create.status !== 0) throw new Error(`redis-cli --cluster create failed:\n${create.stdout}\n${create.stderr}`);
  await eventually('the cluster to be ready on every node', () => PORTS.every((p) => /cluster_state:ok/.test(cli(p, ['cluster', 'info']))));
});

afterAll(async () => {
  for (const node of nodes) await node.stop();
  rmSync(work, { recursive: true, force: true });
});

/** The node (port) that serves a key's slot. */
function ownerOf(key: string): number {
  const slot = Number(cli(PORTS[0], ['cluster', 'keyslot', key]));
  const ranges = JSON.parse(spawnSync('redis-cli', ['-p', String(PORTS[0]), '--json', 'cluster', 'slots'], { encoding: 'utf8' }).stdout) as [number, number, [string, number]][];
  const owner = ranges.find(([from, to]) => slot >= from && slot <= to);
  if (owner === undefined) throw new Error(`no node serves slot ${slot}`);
  return owner[2][1];
}

describe.skipIf(!ready)('sensors writing to a Redis Cluster', () => {
  it('one stream per sensor, spread over the masters; report --from and watch read them all', async () => {
    // three sensor names whose streams hash to three different masters
    const sensors: string[] = [];
    const used = new Set<number>();
    for (let i = 0; sensors.length < 3 && i < 200; i++) {
      const owner = ownerOf(`fleet:{sensor-${i}}`);
      if (used.has(owner)) continue;
      used.add(owner);
      sensors.push(`sensor-${i}`);
    }
    expect(sensors).toHaveLength(3);

    const url = 'redis+cluster://127.0.0.1:16340/fleet';
    const spool = path.join(work, 'spool');
    const runs = sensors.map((sensor) => new Running(['analyze', CAPTURES, '--ca', TEST_ROOT_CA, '--sensor', sensor, '--format', 'ndjson', '--output', '-', '--output', url, '--spool-dir', spool]));
    const results = await Promise.all(runs.map((run) => run.exited));
    const files = results.map((result, i) => {
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toContain(`written to stream fleet:{${sensors[i]}}`);
      const file = path.join(work, `${sensors[i]}.ndjson`);
      writeFileSync(file, result.stdout);
      return file;
    });
    const perSensor = results[0].stdout.trim().split('\n').length;
    for (const sensor of sensors) expect(Number(cli(ownerOf(`fleet:{${sensor}}`), ['xlen', `fleet:{${sensor}}`]))).toBe(perSensor);

    const fromCluster = path.join(work, 'cluster.json');
    const fromFiles = path.join(work, 'files.json');
    const report = tlsdiag(['report', '--from', url, '-o', fromCluster]);
    expect(report.code, report.stderr).toBe(0);
    expect(tlsdiag(['report', ...files, '-o', fromFiles]).code).toBe(0);
    const clusterReport = readReport(fromCluster);
    expect(withoutInputs(clusterReport)).toEqual(withoutInputs(readReport(fromFiles)));
    expect(clusterReport.inputs.map((i) => i.path).sort()).toEqual(sensors.map((s) => `redis+cluster://127.0.0.1:16340/fleet:{${s}}`).sort());
    expect(clusterReport.sensors.map((s) => s.connections)).toEqual([perSensor, perSensor, perSensor]);

    // any node of the cluster will do as the entry point
    const viaOther = tlsdiag(['report', '--from', 'redis+cluster://127.0.0.1:16342/fleet', '--sensor', sensors[1], '--format', 'json']);
    expect(viaOther.code, viaOther.stderr).toBe(0);
    expect(JSON.parse(viaOther.stdout).totals.connections).toBe(perSensor);

    const watch = tlsdiag(['watch', url, '--since', '3650d', '--once', '--format', 'ndjson']);
    expect(watch.code, watch.stderr).toBe(0);
    const watched = watch.stdout.trim().split('\n').map((line) => JSON.parse(line));
    expect(watched).toHaveLength(3 * perSensor);
    expect([...new Set(watched.map((r) => r.sensor))].sort()).toEqual([...sensors].sort());
  });
});
