import type { EpochMilliseconds } from '@zenoti-auth/core';
import type { Redis } from 'ioredis';
import { connectRedis, type RedisTarget, redisCause, redisTargetOf, urlSecrets } from './redis-connection.ts';
import { type ReportedError, reportedError, withoutSecrets } from './safe-error.ts';
import { type BudgetTally, type KeyState, type SessionTally, tallyKeys } from './status-keys.ts';
import { type BudgetState, readBudget } from './status-values.ts';

export type { KeyState, SessionTally } from './status-keys.ts';
export type { BudgetState, GuardState, SetState } from './status-values.ts';

/** The prefix `@zenoti-auth/redis` uses by default (its `RedisTokenStore` and `RedisRateBudget`). */
export const DEFAULT_PREFIX = 'zenoti-auth:';

export interface FleetStatusOptions {
  /** A `redis://` or `rediss://` URL (its password is never shown). */
  redis: string;
  /** The stores' `prefix`. @default 'zenoti-auth:' */
  prefix?: string | undefined;
}

/** What `readFleetStatus` found. Every field is always there (`null` or empty when it does not apply). */
export interface FleetStatusReport {
  ok: boolean;
  redis: RedisTarget | null;
  prefix: string;
  /** Redis' clock when it was read (the rate budgets' windows are on it), ms since the Unix epoch. */
  redisTime: EpochMilliseconds | null;
  /** Service users' keys (`…:user:…`) and any other token key, one entry each. */
  keys: KeyState[];
  /** End users' sessions (`…:principal:…`), counted per app: principals are never shown. */
  endUsers: SessionTally[];
  budgets: BudgetState[];
  /** How many keys under the prefix were looked at. */
  scannedKeys: number;
  /** More than `MAX_KEYS` keys: the rest were not read. */
  truncated: boolean;
  error: ReportedError | null;
}

/** The most keys one look reads (a fleet has a few per identity; end-user sessions add one each). */
export const MAX_KEYS = 100_000;

/** `prefix` as a SCAN pattern: its own `*`, `?`, `[`, `]` and `\` taken literally. */
const literal = (prefix: string): string => prefix.replace(/[*?[\]\\]/g, '\\$&');

async function scanKeys(client: Redis, prefix: string): Promise<{ keys: string[]; truncated: boolean }> {
  const keys = new Set<string>();
  let cursor = '0';
  // Bounded: each round returns the next cursor; past MAX_KEYS the look stops.
  for (let round = 0; round < 1_000_000; round++) {
    const [next, batch] = await client.scan(cursor, 'MATCH', `${literal(prefix)}*`, 'COUNT', 1_000);
    for (const key of batch) keys.add(key);
    cursor = next;
    if (cursor === '0') return { keys: [...keys], truncated: false };
    if (keys.size >= MAX_KEYS) return { keys: [...keys].slice(0, MAX_KEYS), truncated: true };
  }
  return { keys: [...keys], truncated: true };
}

/** Runs `command` for each key in pipelines of a few hundred; a failed reply is `null`. */
async function eachKey<T>(
  client: Redis,
  keys: readonly string[],
  command: (pipeline: ReturnType<Redis['pipeline']>, key: string) => void,
): Promise<Array<T | null>> {
  const replies: Array<T | null> = [];
  for (let start = 0; start < keys.length; start += 500) {
    const pipeline = client.pipeline();
    for (const key of keys.slice(start, start + 500)) command(pipeline, key);
    for (const [error, reply] of (await pipeline.exec()) ?? []) replies.push(error ? null : (reply as T));
  }
  return replies;
}

async function readBudgets(client: Redis, tallies: BudgetTally[], now: number): Promise<BudgetState[]> {
  const keys = tallies.map((t) => t.key);
  const hashes = await eachKey<Record<string, string>>(client, keys, (p, key) => p.hgetall(key));
  const ttls = await eachKey<number>(client, keys, (p, key) => p.pttl(key));
  return keys.map((key, i) => readBudget(key, hashes[i] ?? {}, ttls[i] ?? null, now));
}

async function readState(client: Redis, report: FleetStatusReport): Promise<string[]> {
  const [seconds, micros] = await client.time();
  const now = Number(seconds) * 1_000 + Math.floor(Number(micros) / 1_000);
  report.redisTime = now;
  const { keys, truncated } = await scanKeys(client, report.prefix);
  report.scannedKeys = keys.length;
  report.truncated = truncated;
  const values = await eachKey<string>(client, keys, (p, key) => p.get(key));
  const ttls = await eachKey<number>(client, keys, (p, key) => p.pttl(key));
  const found = keys.map((key, i) => ({ key, value: values[i] ?? null, pttl: ttls[i] ?? null }));
  const tally = tallyKeys(report.prefix, found, Date.now());
  report.keys = tally.keys;
  report.endUsers = tally.endUsers;
  report.budgets = await readBudgets(client, tally.budgets, now);
  return tally.secrets;
}

/**
 * Reads the state a fleet shares in Redis through `@zenoti-auth/redis` under `prefix`: each token
 * set's version and expiry (only its version and TTL when encrypted), the refresh locks, the
 * guards (pauses after a rejected password or a 429 of the token endpoint) and the rate budgets'
 * windows. Read-only; never a token, a password or the URL's credentials in the report. Resolves
 * a report in every case (`error.code` `STORE` when Redis could not be read).
 */
export async function readFleetStatus(options: FleetStatusOptions): Promise<FleetStatusReport> {
  const prefix = options.prefix ?? DEFAULT_PREFIX;
  const target = redisTargetOf(options.redis);
  const report: FleetStatusReport = {
    ok: false,
    redis: target ?? null,
    prefix,
    redisTime: null,
    keys: [],
    endUsers: [],
    budgets: [],
    scannedKeys: 0,
    truncated: false,
    error: null,
  };
  if (!target) {
    report.error = reportedError('INVALID_OPTIONS', 'The Redis URL must be a redis:// or rediss:// URL.', {
      field: 'redis',
    });
    return report;
  }
  let client: Redis | undefined;
  let secrets: string[] = [];
  try {
    client = await connectRedis(options.redis);
    secrets = await readState(client, report);
    report.ok = true;
  } catch (error) {
    report.error = reportedError(
      'STORE',
      `Redis at ${target.host}:${target.port} could not be read: ${redisCause(error)}.`,
      { transient: true },
    );
  } finally {
    client?.disconnect();
  }
  return withoutSecrets(report, [...urlSecrets(options.redis), ...secrets]);
}
