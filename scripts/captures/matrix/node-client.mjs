// The Node client of the capture matrix: https.get the way a Node program fetches a URL, with a 4 s timeout.
// Trust comes from NODE_EXTRA_CA_CERTS as a user sets it; --max12 and --groups are the tls options a user passes
// to https.get (maxVersion, ecdhCurve).
//
// Usage: node node-client.mjs [--max12] [--groups X25519:P-256] https://host/
import https from 'node:https';

const args = process.argv.slice(2);
const options = { timeout: 4000 };
for (let i = 0; i < args.length - 1; i++) {
  if (args[i] === '--max12') options.maxVersion = 'TLSv1.2';
  if (args[i] === '--groups') options.ecdhCurve = args[++i];
}
const url = args.at(-1);

const request = https.get(url, options, (response) => {
  let received = 0;
  response.on('data', (chunk) => { received += chunk.length; });
  response.on('end', () => console.log(`${response.statusCode}: ${received} bytes`));
});
request.on('timeout', () => request.destroy(new Error('timed out after 4 s')));
request.on('error', (error) => {
  console.error('node-client:', error.code ?? '', error.message);
  process.exitCode = 1;
});
