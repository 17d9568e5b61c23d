// A Node.js tls client for alert-matrix.sh: connects, trusting only the given root, and says how it ended.
//
// usage: node nodeclient.mjs HOST PORT ROOT.pem
import fs from 'node:fs';
import tls from 'node:tls';

const [host, port, root] = process.argv.slice(2);
const socket = tls.connect({ host: '127.0.0.1', port: Number(port), servername: host, ca: fs.readFileSync(root) });
socket.on('secureConnect', () => {
  console.log('node ok');
  socket.end();
});
socket.on('error', (error) => console.log('node error:', error.code, error.message));
