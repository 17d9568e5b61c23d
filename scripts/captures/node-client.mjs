// The client side of the captures made with Node's TLS stack.
// Usage: node node-client.mjs MODE '{"host":"10.77.2.2","port":443, ...}'
//   tls  tls.connect with the given servername, ca, minVersion, maxVersion, ciphers, alpn; sends one HTTP request
//        and waits for the answer. resetAfterServerHello: abort with a RST as soon as the TLS 1.3 handshake keys
//        exist (i.e. the ServerHello has arrived) — a client that gives up mid-handshake.
//        keylog: a file the TLS secrets are appended to in the NSS key log format (Node's 'keylog' event).
//   tcp  a bare TCP connect (the connect-timeout / refused captures)
// Exits 0 whatever happens to the connection: failures are the point. giveUpMs bounds every attempt.
import fs from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';

const [mode, json = '{}'] = process.argv.slice(2);
const opts = JSON.parse(json);
const host = opts.host ?? '10.77.2.2';
const port = opts.port ?? 443;
const log = (...args) => console.error(`[node-client ${mode}]`, ...args);

function finish(socket, why) {
  log(why);
  socket.destroy();
  process.exit(0);
}

function tlsClient() {
  const raw = net.connect({ host, port });
  const socket = tls.connect({
    socket: raw,
    servername: opts.servername,
    ca: opts.ca ? fs.readFileSync(opts.ca) : undefined,
    minVersion: opts.minVersion,
    maxVersion: opts.maxVersion,
    ciphers: opts.ciphers,
    ALPNProtocols: opts.alpn,
    rejectUnauthorized: opts.rejectUnauthorized ?? true,
  });
  if (opts.keylog) socket.on('keylog', (line) => fs.appendFileSync(opts.keylog, line, { mode: 0o600 }));
  if (opts.resetAfterServerHello) {
    // keylog fires when the client derives its handshake traffic secret, which needs the ServerHello's key share
    socket.once('keylog', () => { log('ServerHello seen, resetting'); raw.resetAndDestroy(); process.exit(0); });
  }
  socket.on('secureConnect', () => {
    log(`connected ${socket.getProtocol()} ${socket.getCipher().name} authorized=${socket.authorized}`);
    socket.write(`GET / HTTP/1.1\r\nHost: ${opts.servername ?? host}\r\nConnection: close\r\n\r\n`);
  });
  socket.on('data', (d) => log(`got ${d.length} bytes`));
  socket.on('end', () => finish(socket, 'server closed'));
  socket.on('error', (err) => finish(socket, `error ${err.code ?? ''} ${err.message}`));
  return socket;
}

function tcpClient() {
  const socket = net.connect({ host, port });
  socket.on('connect', () => finish(socket, 'connected'));
  socket.on('error', (err) => finish(socket, `error ${err.code ?? ''} ${err.message}`));
  return socket;
}

const clients = { tls: tlsClient, tcp: tcpClient };
const start = clients[mode];
if (!start) {
  log('unknown mode; one of', Object.keys(clients).join(', '));
  process.exit(2);
}
const socket = start();
setTimeout(() => finish(socket, `gave up after ${opts.giveUpMs} ms`), opts.giveUpMs ?? 15000);
