import type { Redis } from 'ioredis';

/** Where the Redis is, as it may be shown: never the URL's user or password. */
export interface RedisTarget {
  host: string;
  port: number;
  db: number;
  tls: boolean;
}

/**
 * The target of a `redis://` or `rediss://` URL, or `undefined` when `url` is none (the caller
 * says so without echoing it: it may hold a password).
 */
export function redisTargetOf(url: string): RedisTarget | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') return undefined;
  const db = parsed.pathname.replace(/^\//, '');
  if (!/^\d*$/.test(db) || parsed.hostname === '') return undefined;
  return {
    host: parsed.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: parsed.port === '' ? 6379 : Number(parsed.port),
    db: db === '' ? 0 : Number(db),
    tls: parsed.protocol === 'rediss:',
  };
}

/** The secret a Redis URL holds (its password, as written and decoded), for the report's second line of defence. */
export function urlSecrets(url: string): string[] {
  let password = '';
  try {
    password = new URL(url).password;
    return [password, decodeURIComponent(password)].filter(Boolean);
  } catch {
    return [password].filter(Boolean);
  }
}

/**
 * Why a Redis call failed, by its code only: a system error (`ECONNREFUSED`), the first word of a
 * Redis error (`WRONGPASS`, `NOAUTH`), or a fixed text; never the rest of a client's message,
 * which may quote connection details.
 */
export function redisCause(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && /^[A-Z][A-Z0-9_]{1,40}$/.test(code)) return code;
  const message = error instanceof Error ? error.message : '';
  const word = /^([A-Z][A-Z0-9_]{2,30})\b/.exec(message)?.[1];
  if (word) return word;
  if (/connection is closed/i.test(message)) return 'the connection was closed';
  if (/timed? ?out/i.test(message)) return 'no answer in time';
  return error instanceof Error ? error.name : 'an unknown error';
}

/** How long connecting, and then each command, may take. */
const TIMEOUT_MS = 5_000;

/**
 * A connected ioredis client for one look: no reconnection, no offline queue, a time limit on
 * every command. ioredis is loaded only here, so `check` never loads it.
 */
export async function connectRedis(url: string): Promise<Redis> {
  const { Redis } = await import('ioredis');
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: TIMEOUT_MS,
    commandTimeout: TIMEOUT_MS,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  // The cause of a failed connection comes in an `error` event (the call itself rejects with
  // "Connection is closed."); without a listener ioredis would print it.
  let cause: unknown;
  client.on('error', (error: unknown) => {
    cause = error;
  });
  try {
    await client.connect();
  } catch (error) {
    // Once ended (no retries here) there is nothing to close, and `disconnect()` would hold the
    // process for ioredis' `disconnectTimeout` (2 s).
    if (client.status !== 'end') client.disconnect();
    throw cause ?? error;
  }
  return client;
}
