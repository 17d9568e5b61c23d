/**
 * Real redis-server instances for the fleet tests, each on a loopback port of its own in a temporary folder, started
 * and stopped by the test (never a server the machine already runs). Ports 16300–16399 are this suite's.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';

export const REDIS_AVAILABLE = spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0 && spawnSync('redis-cli', ['--version'], { stdio: 'ignore' }).status === 0;

export interface RedisOptions {
  port: number;
  dir: string;
  appendonly?: boolean;
  password?: string;
  cluster?: boolean;
  /** TLS only (no plain port), with this certificate and key (PEM files) */
  tls?: { cert: string; key: string };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** redis-cli against a test server; its stdout, trimmed. `tlsCa`: talk TLS, trusting this CA. */
export function cli(port: number, args: string[], password?: string, tlsCa?: string): string {
  const auth = password === undefined ? [] : ['--no-auth-warning', '-a', password];
  const tls = tlsCa === undefined ? [] : ['--tls', '--cacert', tlsCa];
  const run = spawnSync('redis-cli', ['-p', String(port), ...tls, ...auth, ...args], { encoding: 'utf8' });
  return (run.stdout ?? '').trim();
}

export class RedisServer {
  private process: ChildProcess | null = null;

  constructor(readonly options: RedisOptions) {
    mkdirSync(options.dir, { recursive: true });
  }

  get port(): number {
    return this.options.port;
  }

  /** Starts the server and resolves once it answers PING (or, for a cluster node, once it listens). */
  async start(): Promise<void> {
    const o = this.options;
    const ports = o.tls === undefined ? ['--port', String(o.port)] : ['--port', '0', '--tls-port', String(o.port), '--tls-cert-file', o.tls.cert, '--tls-key-file', o.tls.key, '--tls-auth-clients', 'no'];
    const args = [...ports, '--bind', '127.0.0.1', '--save', '', '--dir', o.dir, '--appendonly', o.appendonly ? 'yes' : 'no'];
    // every acknowledged write is on disk before the reply: a SIGKILL loses none of them
    if (o.appendonly) args.push('--appendfsync', 'always');
    if (o.password !== undefined) args.push('--requirepass', o.password);
    if (o.cluster) args.push('--cluster-enabled', 'yes', '--cluster-config-file', path.join(o.dir, 'nodes.conf'), '--cluster-node-timeout', '5000');
    this.process = spawn('redis-server', args, { stdio: 'ignore' });
    for (let i = 0; i < 200; i++) {
      const answer = cli(o.port, ['ping'], o.password, o.tls?.cert);
      if (answer === 'PONG') return;
      await sleep(25);
    }
    throw new Error(`redis-server on port ${o.port} did not start`);
  }

  /** Kills the server at once (SIGKILL: no shutdown, no save), as a crash would. */
  async kill(): Promise<void> {
    await this.signal('SIGKILL');
  }

  async stop(): Promise<void> {
    await this.signal('SIGTERM');
  }

  private async signal(signal: NodeJS.Signals): Promise<void> {
    const child = this.process;
    this.process = null;
    if (child === null || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
  }
}
