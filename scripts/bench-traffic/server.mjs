// Benchmark traffic, server side: a Node TLS server (TLS 1.2 and 1.3) that answers "GET /<bytes>" with that many
// bytes of application data and closes. Usage: node server.mjs '{"port":8443,"cert":"chain.pem","key":"key.pem"}'
import fs from 'node:fs';
import tls from 'node:tls';

const opts = JSON.parse(process.argv[2] ?? '{}');
const MAX_RESPONSE = 64 * 1024;
// one buffer of incompressible-looking bytes, sliced per response: no per-connection allocation of the payload
const payload = Buffer.alloc(MAX_RESPONSE);
for (let i = 0; i < payload.length; i++) payload[i] = (i * 2654435761) >>> 24;

const server = tls.createServer({
  cert: fs.readFileSync(opts.cert),
  key: fs.readFileSync(opts.key),
  minVersion: 'TLSv1.2',
  maxVersion: 'TLSv1.3',
});
server.on('secureConnection', (socket) => {
  let request = '';
  socket.setEncoding('latin1');
  socket.on('data', (chunk) => {
    request += chunk;
    const end = request.indexOf('\r\n');
    if (end < 0) return;
    const size = Math.min(MAX_RESPONSE, Number.parseInt(request.slice(5, end), 10) || 1);
    socket.end(payload.subarray(0, size));
  });
  socket.on('error', () => {});
});
server.on('tlsClientError', () => {}); // the failures are intended
server.listen(opts.port ?? 8443, '127.0.0.1', () => console.error('[bench-server] listening'));
process.on('SIGTERM', () => process.exit(0));
