// Builds the small native addon that reads the kernel's packet-socket counters (native/packet-stats), so that live
// capture can say how many packets the kernel dropped. Optional: where it cannot be built (not Linux, no C compiler,
// no Node headers) the build says so and goes on, and live capture reports drops as unknown. Skipped when the addon
// is newer than its source.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = join(root, 'native', 'packet-stats');
const built = join(dir, 'build', 'Release', 'packet_stats.node');
const sources = ['packet_stats.c', 'binding.gyp'].map((f) => join(dir, f));

if (process.platform !== 'linux') process.exit(0);
if (existsSync(built) && sources.every((s) => statSync(s).mtimeMs <= statSync(built).mtimeMs)) process.exit(0);

const prefix = dirname(dirname(process.execPath));
const gyp =
  process.env.npm_config_node_gyp ?? join(prefix, 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
const args = [gyp, 'rebuild'];
// Node's own headers where this Node is installed (distribution packages and release tarballs have them): no download
if (existsSync(join(prefix, 'include', 'node', 'node_api.h'))) args.push(`--nodedir=${prefix}`);
const run = existsSync(gyp) ? spawnSync(process.execPath, args, { cwd: dir, encoding: 'utf8' }) : null;
if (run === null || run.status !== 0) {
  const why = run === null ? `node-gyp not found (${gyp})` : (run.stderr || run.stdout).trim().split('\n').slice(-3).join(' / ');
  console.warn(`build-native: the packet-statistics addon was not built (${why}); live capture will report kernel drops as unknown`);
}
