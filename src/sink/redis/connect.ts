import type { Cluster, ClusterOptions, Redis, RedisOptions } from 'ioredis';
import type { RedisTarget } from './target.js';

export type RedisClient = Redis | Cluster;

let library: { Redis: typeof Redis; Cluster: typeof Cluster } | null = null;

/**
 * Loads ioredis. It is loaded on first use, not with the program: loading it costs about 60 ms, which every run of
 * `tlsdiag analyze` would pay even though most never ship to Redis.
 */
export async function loadRedisLibrary(): Promise<void> {
  if (library !== null) return;
  const { Redis, Cluster } = await import('ioredis');
  library = { Redis, Cluster };
}

export interface ConnectOptions {
  /** a command (or a pipeline's reply) not answered within this many ms fails: Redis is "slow" */
  commandTimeoutMs?: number;
  connectTimeoutMs?: number;
  /** reader connections block in XREAD: they get no command timeout */
  blocking?: boolean;
}

/**
 * An ioredis client for the target, not yet connected (call `connect()`); loadRedisLibrary() must have run.
 *
 * Delivery is ours, not the library's: commands issued while the connection is down fail at once (no offline queue)
 * and commands in flight when it drops are failed rather than silently resent, so the sink decides what goes to the
 * spool and nothing piles up in memory unseen. Reconnection is left to ioredis, forever, at most every 2 s.
 */
export function createRedisClient(target: RedisTarget, options: ConnectOptions = {}): RedisClient {
  if (library === null) throw new Error('createRedisClient: call loadRedisLibrary() first');
  const base: RedisOptions = {
    username: target.username ?? undefined,
    password: target.password ?? undefined,
    tls: target.tls ? { servername: isIpAddress(target.host) ? undefined : target.host } : undefined,
    lazyConnect: true,
    enableOfflineQueue: false,
    autoResendUnfulfilledCommands: false,
    maxRetriesPerRequest: 0,
    connectTimeout: options.connectTimeoutMs ?? 5000,
    commandTimeout: options.blocking ? undefined : (options.commandTimeoutMs ?? 10_000),
    retryStrategy: (attempt: number) => Math.min(100 * 2 ** Math.min(attempt, 5), 2000),
    // a server still loading its data after a restart is not ready: commands wait for it rather than fail
    enableReadyCheck: true,
  };
  if (!target.cluster) return new library.Redis({ ...base, host: target.host, port: target.port });
  const clusterOptions: ClusterOptions = {
    redisOptions: base,
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRedirections: 16,
    clusterRetryStrategy: (attempt: number) => Math.min(100 * 2 ** Math.min(attempt, 5), 2000),
    slotsRefreshTimeout: options.connectTimeoutMs ?? 5000,
  };
  return new library.Cluster([{ host: target.host, port: target.port }], clusterOptions);
}

function isIpAddress(host: string): boolean {
  return /^[\d.]+$/.test(host) || host.includes(':');
}

/** Whether the client can take commands now. */
export function isReady(client: RedisClient): boolean {
  return client.status === 'ready';
}

/**
 * Connects and checks the connection with a PING; on failure disconnects and throws an Error whose message is the
 * plain-words reason (a wrong password shows as such, not as "connection closed"), credentials removed.
 */
export async function openRedis(target: RedisTarget, options: ConnectOptions, explain: (error: unknown) => string): Promise<RedisClient> {
  await loadRedisLibrary();
  const client = createRedisClient(target, options);
  let lastError: unknown = null;
  client.on('error', (error: unknown) => {
    lastError = error;
  });
  try {
    await client.connect();
    await client.ping();
    return client;
  } catch (error) {
    client.disconnect();
    throw new Error(explain(lastError ?? error));
  }
}
