import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ROOT } from '../helpers/shared.js';

/**
 * Whether live capture can run here. The probe runs in a child process: loading cap's native module and opening a
 * capture handle inside the test worker once crashed the worker as it exited ("Worker exited unexpectedly" in CI).
 */
export async function whyLiveCannotRun(): Promise<string | null> {
  if (!existsSync(resolve(ROOT, 'dist/cli/main.js'))) return 'dist/ is not built (run npm run build first)';
  if (spawnSync('openssl', ['version']).status !== 0) return 'openssl is not installed (the test makes its certificate with it)';
  const probe = `
    let cap;
    try { const m = await import('cap'); cap = m.default ?? m; }
    catch (e) { console.log('load ' + (e.code ?? e.message)); process.exit(0); }
    try { const c = new cap.Cap(); c.open('lo', 'tcp port 9', 1 << 16, Buffer.alloc(65535)); c.close(); console.log('ok'); }
    catch (e) { console.log('open ' + e.message); }`;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', probe], { cwd: ROOT, encoding: 'utf8', timeout: 15_000 });
  const answer = (run.stdout ?? '').trim();
  if (answer === 'ok') return null;
  if (answer.startsWith('load ')) {
    return `the optional package cap does not load (${answer.slice(5)}): install libpcap-dev, then npm install again`;
  }
  if (answer.startsWith('open ')) return `cannot capture on lo (${answer.slice(5)}): needs root or CAP_NET_RAW`;
  return `the cap probe failed (${run.status ?? run.signal}): ${(run.stderr ?? '').trim().slice(0, 200)}`;
}


/** A self-signed P-256 certificate for `name` (its CN and only DNS name), made by openssl in `dir`: its key and PEM. */
export function selfSignedCertificate(dir: string, name: string): { key: Buffer; cert: Buffer; certFile: string } {
  const keyFile = join(dir, 'key.pem');
  const certFile = join(dir, 'cert.pem');
  const made = spawnSync(
    'openssl',
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2', '-subj', `/CN=${name}`,
      '-addext', `subjectAltName=DNS:${name}`, '-keyout', keyFile, '-out', certFile],
    { encoding: 'utf8' },
  );
  if (made.status !== 0) throw new Error(`openssl failed: ${made.stderr}`);
  return { key: readFileSync(keyFile), cert: readFileSync(certFile), certFile };
}
