// The server side of the captures that need behaviour openssl s_server has no switch for.
// Usage: node node-server.mjs MODE '{"port":443, ...}'
//   tls     a Node TLS server (cert, key, minVersion, maxVersion, alpn) answering one line of HTTP
//   silent  accepts and never says a word (server-timeout)
//   http    plain HTTP on the TLS port (not-tls): Node's parser answers a ClientHello with 400
//   reset   reads the ClientHello, then aborts the connection with a RST (reset-by-server)
//   close   reads the ClientHello, then closes with a FIN and no alert (peer-closed)
import fs from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import http from 'node:http';

const [mode, json = '{}'] = process.argv.slice(2);
const opts = JSON.parse(json);
const port = opts.port ?? 443;
const log = (...args) => console.error(`[node-server ${mode}]`, ...args);

function tlsServer() {
  const server = tls.createServer({
    cert: fs.readFileSync(opts.cert),
    key: fs.readFileSync(opts.key),
    minVersion: opts.minVersion ?? 'TLSv1.2',
    maxVersion: opts.maxVersion ?? 'TLSv1.3',
    ALPNProtocols: opts.alpn,
  });
  server.on('secureConnection', (socket) => {
    socket.once('data', () => socket.end('HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n'));
    socket.on('error', (err) => log('socket', err.message));
  });
  server.on('tlsClientError', (err) => log('handshake failed:', err.code ?? '', err.message));
  return server;
}

function rawServer(onFirstData) {
  return net.createServer((socket) => {
    socket.on('error', (err) => log('socket', err.message));
    socket.once('data', (chunk) => onFirstData(socket, chunk));
  });
}

const servers = {
  tls: tlsServer,
  silent: () => net.createServer((socket) => socket.on('error', () => {})),
  http: () => http.createServer((req, res) => res.end('hello\n')),
  reset: () => rawServer((socket, chunk) => { log(`got ${chunk.length} bytes, resetting`); socket.resetAndDestroy(); }),
  close: () => rawServer((socket, chunk) => { log(`got ${chunk.length} bytes, closing`); socket.end(); }),
};

const make = servers[mode];
if (!make) {
  log('unknown mode; one of', Object.keys(servers).join(', '));
  process.exit(2);
}
make().listen(port, opts.host ?? '0.0.0.0', () => log('listening on', port));
process.on('SIGTERM', () => process.exit(0));
