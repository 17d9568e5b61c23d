// Benchmark traffic, client side: opens `connections` TLS connections to the bench server, `concurrency` at a time.
// Each asks for 1–64 KB and reads it to the end. A few percent fail on purpose, so the capture exercises the
// diagnosis rules too: a TLS 1.0/1.1-only client (protocol_version), a client that does not trust the server's CA,
// and a client that resets the connection as soon as the ServerHello arrives.
// Usage: node client.mjs '{"port":8443,"connections":20000,"concurrency":50,"ca":"root.pem","rogueCa":"rogue.pem"}'
// Prints a JSON summary on stdout.
import fs from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';

const opts = JSON.parse(process.argv[2] ?? '{}');
const total = opts.connections ?? 20000;
const concurrency = opts.concurrency ?? 50;
const port = opts.port ?? 8443;
const ca = fs.readFileSync(opts.ca);
const rogueCa = fs.readFileSync(opts.rogueCa);

// deterministic choices (xorshift32), so two runs with the same count make the same mix
let seed = 0x9e3779b9;
function random() {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) / 0x100000000;
}

const KINDS = [
  // [kind, share]
  ['old-version', 0.015],
  ['unknown-ca', 0.015],
  ['reset', 0.01],
];
function pickKind() {
  let r = random();
  for (const [kind, share] of KINDS) {
    if (r < share) return kind;
    r -= share;
  }
  return 'ok';
}

const summary = { connections: 0, established: 0, completed: 0, bytes: 0, failed: {}, unexpected: 0 };

function connectOnce(kind, done) {
  const size = 1024 + Math.floor(random() * 63 * 1024);
  const tls13 = random() < 0.5;
  const raw = net.connect({ host: '127.0.0.1', port });
  const options = {
    socket: raw,
    servername: 'www.tlsdiag.test',
    ca: kind === 'unknown-ca' ? rogueCa : ca,
    minVersion: tls13 ? 'TLSv1.3' : 'TLSv1.2',
    maxVersion: tls13 ? 'TLSv1.3' : 'TLSv1.2',
  };
  if (kind === 'old-version') {
    Object.assign(options, { minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT:@SECLEVEL=0' });
  }
  const socket = tls.connect(options);
  let received = 0;
  let finished = false;
  const finish = (outcome) => {
    if (finished) return;
    finished = true;
    if (outcome === 'completed') summary.completed++;
    else if (outcome === kind) summary.failed[kind] = (summary.failed[kind] ?? 0) + 1;
    else summary.unexpected++;
    socket.destroy();
    done();
  };
  if (kind === 'reset') {
    // the handshake keys exist once the ServerHello is in (TLS 1.3) or the server flight is (TLS 1.2). The reset
    // waits for the next turn: tearing the handle down inside OpenSSL's keylog callback crashes Node 20.
    socket.once('keylog', () => setImmediate(() => { raw.resetAndDestroy(); finish('reset'); }));
  }
  socket.on('secureConnect', () => {
    summary.established++;
    socket.write(`GET /${size}\r\n`);
  });
  socket.on('data', (chunk) => { received += chunk.length; summary.bytes += chunk.length; });
  socket.on('end', () => finish(received === size ? 'completed' : 'short'));
  socket.on('error', (err) => {
    if (kind === 'old-version' && /protocol|version/i.test(err.message)) return finish('old-version');
    if (kind === 'unknown-ca' && /certificate|issuer/i.test(err.message)) return finish('unknown-ca');
    finish(kind === 'reset' ? 'reset' : 'error');
  });
  socket.on('close', () => finish(received === size ? 'completed' : 'closed'));
}

let started = 0;
let running = 0;
function pump() {
  while (running < concurrency && started < total) {
    started++;
    running++;
    summary.connections++;
    connectOnce(pickKind(), () => {
      running--;
      if (started < total) setImmediate(pump);
      else if (running === 0) {
        process.stdout.write(JSON.stringify(summary) + '\n');
        process.exit(0);
      }
    });
  }
}
pump();
