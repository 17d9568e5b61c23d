import { redactSecrets, type RedisTarget } from './target.js';

/**
 * What went wrong with Redis, in plain words, and whether trying again soon can help. Permanent errors (a wrong
 * password, a key that is not a stream, a missing permission) wait for a person to fix something: the sink keeps
 * the records in its spool and says so, rather than hammering the server.
 */
export interface RedisProblem {
  message: string;
  permanent: boolean;
}

const PERMANENT: readonly [RegExp, (raw: string) => string][] = [
  [/^WRONGPASS|invalid username-password/i, () => 'authentication failed: wrong user name or password'],
  [/^NOAUTH/i, () => 'authentication required: give the password in the URL (redis://user:password@host:port/KEY)'],
  [/^NOPERM/i, (raw) => `permission denied by the server's ACL (${raw})`],
  [/^WRONGTYPE/i, () => 'the key holds another type of value, not a stream: choose another key, or delete it'],
  [/^ERR.*AUTH.*no password is set|called without any password configured/i, () => 'the server has no password set, but the URL gives one'],
  [/^ERR unknown command/i, (raw) => `the server does not know a command tlsdiag needs (streams need Redis 5 or later): ${raw}`],
  [/^MISCONF/i, (raw) => `the server refuses writes: ${raw}`],
  [/^OOM/i, (raw) => `the server is out of memory (maxmemory reached): ${raw}`],
  [
    /self[- ]signed certificate|unable to (get|verify).*certificate|certificate has expired|Hostname\/IP does not match|ERR_TLS_CERT|CERT_/i,
    (raw) => `the server's TLS certificate is not trusted (${raw}): give its CA with NODE_EXTRA_CA_CERTS=ca.pem`,
  ],
];

const TRANSIENT: readonly [RegExp, string][] = [
  [/ECONNREFUSED/, 'connection refused: nothing listens there (is redis-server running?)'],
  [/ENOTFOUND|EAI_AGAIN/, 'the host name does not resolve'],
  [/EHOSTUNREACH|ENETUNREACH/, 'the host is unreachable'],
  [/ETIMEDOUT|connect timeout/i, 'connecting timed out'],
  [/Command timed out/i, 'no answer in time: Redis is slow or stalled'],
  [/^falling behind/, 'Redis takes records more slowly than the sensor makes them'],
  [/ECONNRESET|EPIPE|Connection is closed|Stream isn't writeable|Connection in subscriber mode/i, 'the connection is down'],
  [/CLUSTERDOWN|TRYAGAIN|MOVED|ASK|LOADING|Failed to refresh slots cache|None of startup nodes is available/i, 'the cluster is not ready'],
];

function rawMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/** The error, classified and worded, with the target's credentials removed. */
export function describeRedisError(error: unknown, target: RedisTarget | null): RedisProblem {
  const raw = redactSecrets(rawMessage(error), target).replace(/\s+/g, ' ').trim().slice(0, 300);
  // AggregateError (a connect attempt to several addresses) carries its causes
  const inner = error instanceof AggregateError && error.errors.length > 0 ? redactSecrets(rawMessage(error.errors[0]), target) : '';
  for (const [pattern, word] of PERMANENT) if (pattern.test(raw)) return { message: word(raw), permanent: true };
  for (const [pattern, word] of TRANSIENT) if (pattern.test(raw) || pattern.test(inner)) return { message: `${word} (${raw || inner})`, permanent: false };
  return { message: raw || 'unknown error', permanent: false };
}
