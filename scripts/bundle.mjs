// Bundles the compiled CLI (dist/, from tsc) into dist/bundle/, which bin/tlsdiag.js loads. Loading ~220 separate
// modules cost every run about 50 ms before reading a byte (resolving, reading and compiling each file: 0.20 s for
// `analyze` on a small capture against 0.15 s bundled); one file and a few shared chunks do not.
//
// - Three entries: the CLI and the two worker-thread entries, which the code finds beside itself
//   (new URL('./analyze-worker.js', import.meta.url)); they land in the same folder, at the same depth as dist/cli,
//   so paths relative to the module (../../package.json, ../../native/...) stay right.
// - Code splitting keeps what is imported only on demand (the Ink UI, Redis) in chunks of its own, so `analyze`
//   does not load Ink and React: without it, the bundled UI would hoist their imports to the top.
// - Packages stay outside (node_modules), as the package's dependencies install them.
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist', 'bundle');
rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: {
    tlsdiag: join(root, 'dist/cli/main.js'),
    'analyze-worker': join(root, 'dist/cli/analyze-worker.js'),
    'worker-entry': join(root, 'dist/pipeline/worker-entry.js'),
  },
  outdir,
  chunkNames: 'chunk-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});
