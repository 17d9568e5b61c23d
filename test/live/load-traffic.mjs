// Healthy TLS traffic for the live load test, run inside the test's network namespace: a TLS server on PORT and a
// client making COUNT full handshakes (CONCURRENCY at a time), each reading the server's "ok" and closing. Prints
// one JSON line: how many handshakes completed and failed. Stops by itself.
// usage: node load-traffic.mjs '{"port":8443,"count":2000,"concurrency":20,"cert":"...","key":"..."}'
import { readFileSync } from 'node:fs';
import tls from 'node:tls';

const { port, count, concurrency, cert, key } = JSON.parse(process.argv[2]);
const server = tls.createServer({ cert: readFileSync(cert), key: readFileSync(key) }, (socket) => {
  socket.on('error', () => undefined);
  socket.end('ok');
});
await new Promise((done) => server.listen(port, '127.0.0.1', done));

let started = 0;
let completed = 0;
let failed = 0;
function one() {
  if (started >= count) return Promise.resolve();
  started++;
  return new Promise((done) => {
    const client = tls.connect({ host: '127.0.0.1', port, servername: 'load.tlsdiag.test', rejectUnauthorized: false });
    let ok = false;
    client.on('secureConnect', () => {
      ok = true;
    });
    client.on('data', () => undefined);
    client.on('end', () => client.end());
    client.on('error', () => undefined);
    client.on('close', () => {
      if (ok) completed++;
      else failed++;
      done();
    });
  }).then(one);
}
await Promise.all(Array.from({ length: concurrency }, one));
server.close();
console.log(JSON.stringify({ completed, failed }));
