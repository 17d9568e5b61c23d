// Runs `tlsdiag analyze` (the built CLI's own code) with its stdout counted: every 20 ms it tells on stderr how many
// bytes wait in stdout's buffer and how many were written so far, so the test can see the analysis pause.
// usage: node backpressure-harness.mjs <analyze arguments...>
import { main } from '../../dist/cli/main.js';

let written = 0;
const write = process.stdout.write.bind(process.stdout);
process.stdout.write = (chunk, ...rest) => {
  written += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
  return write(chunk, ...rest);
};
const sampler = setInterval(() => process.stderr.write(`sample ${process.stdout.writableLength} ${written}\n`), 20);
process.exitCode = await main([process.argv[0], 'tlsdiag', ...process.argv.slice(2)]);
clearInterval(sampler);
process.stderr.write(`done ${written}\n`);
