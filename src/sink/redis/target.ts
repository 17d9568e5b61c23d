/**
 * Where records go in Redis, parsed from a URL:
 *
 *   redis://[user:password@]host:port/KEY            one stream KEY on one server (or a primary)
 *   rediss://...                                     the same over TLS
 *   redis+cluster://[user:password@]host:port/KEY    a Redis Cluster reached through any of its nodes; each sensor
 *   rediss+cluster://...                             writes its own stream KEY:{sensor}, hash-tagged to one slot
 *
 * The key is the URL path after the first '/', percent-decoded (`/fleet%3Atls` is `fleet:tls`). The credentials are
 * kept apart from everything that is ever printed: `display` is the URL without them.
 */
export interface RedisTarget {
  tls: boolean;
  cluster: boolean;
  host: string;
  port: number;
  username: string | null;
  password: string | null;
  key: string;
  /** the URL as it may be shown: scheme, host, port and key, never the credentials */
  display: string;
}

const SCHEMES: Readonly<Record<string, { tls: boolean; cluster: boolean }>> = {
  'redis:': { tls: false, cluster: false },
  'rediss:': { tls: true, cluster: false },
  'redis+cluster:': { tls: false, cluster: true },
  'rediss+cluster:': { tls: true, cluster: true },
};

export class RedisTargetError extends Error {}

/** Whether an --output / --from value names Redis (rather than '-' or a file). */
export function isRedisUrl(value: string): boolean {
  return /^rediss?(\+cluster)?:\/\//i.test(value);
}

/** Parses a Redis URL; throws RedisTargetError with a message that holds no credentials. */
export function parseRedisTarget(value: string): RedisTarget {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new RedisTargetError(`not a valid Redis URL: ${redactUrlText(value)} (expected redis://[user:password@]host:port/KEY)`);
  }
  const scheme = SCHEMES[url.protocol.toLowerCase()];
  if (scheme === undefined) throw new RedisTargetError(`unknown scheme '${url.protocol}' (redis:, rediss:, redis+cluster:, rediss+cluster:)`);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (host === '') throw new RedisTargetError(`no host in ${redactUrlText(value)}`);
  const port = url.port === '' ? 6379 : Number(url.port);
  let key: string;
  try {
    key = decodeURIComponent(url.pathname.replace(/^\//, ''));
  } catch {
    throw new RedisTargetError(`the stream key in ${redactUrlText(value)} is not valid percent-encoding`);
  }
  if (key === '') throw new RedisTargetError(`no stream key in ${redactUrlText(value)} (redis://host:port/KEY)`);
  if (scheme.cluster && /[{}]/.test(key)) throw new RedisTargetError('a cluster stream key may not hold { or }: tlsdiag adds the hash tag {sensor} itself');
  const username = url.username === '' ? null : decodeURIComponent(url.username);
  const password = url.password === '' ? null : decodeURIComponent(url.password);
  const hostPart = host.includes(':') ? `[${host}]` : host;
  const display = `${url.protocol}//${hostPart}:${port}/${encodeURIComponent(key).replace(/%3A/gi, ':')}`;
  return { ...scheme, host, port, username, password, key, display };
}

/** A URL-looking text with any `user:password@` replaced, for messages about values that did not even parse. */
export function redactUrlText(text: string): string {
  return text.replace(/\/\/[^/@\s]*@/g, '//***@');
}

/**
 * Text that may hold the target's credentials (a server's error message, a library's) with them replaced by '***'.
 * Every message about a target passes through here before it is printed.
 */
export function redactSecrets(text: string, target: Pick<RedisTarget, 'password' | 'username'> | null): string {
  let out = redactUrlText(text);
  if (target?.password) out = out.split(target.password).join('***');
  return out;
}

/** The stream a sensor writes: the key itself on one server; KEY:{sensor} in a cluster, so each sensor's stream has a slot of its own. */
export function streamKeyFor(target: RedisTarget, sensor: string): string {
  return target.cluster ? `${target.key}:{${sensor}}` : target.key;
}
