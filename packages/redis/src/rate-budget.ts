import { invalidOption, type RateBudget, type RateReport } from '@zenoti-auth/core';
import { type Send, sender } from './client.ts';
import { CLIENT_EXPECTED, clientJSON, isClientOrUrl, type Link, openLink } from './link.ts';
import type { RedisClientLike } from './options.ts';

export interface RedisRateBudgetOptions {
  /**
   * An `ioredis` instance or a connected `redis` (node-redis) client, shared and never closed here;
   * or a Redis URL (`redis://…`, `rediss://…`): then the budget opens a client of its own (ioredis
   * when installed, else node-redis) and `close()` closes it.
   */
  client: RedisClientLike | string;
  /** Put before the budget's key: every process with the same prefix shares one budget. @default 'zenoti-auth:' */
  prefix?: string | undefined;
  /** Calls per window, until Zenoti announces another limit. @default 60 */
  limit?: number | undefined;
  /** The window's length in ms, until Zenoti announces another. @default 60_000 */
  intervalMs?: number | undefined;
  /** Time limit of one Redis command; past it the call fails (the engine then paces in-process). @default 1_000 */
  commandTimeoutMs?: number | undefined;
  /** Receives the budget's warnings: why Redis fails, and when it answers again (never a secret). @default console.warn */
  onWarning?: ((message: string) => void) | undefined;
  /**
   * How many processes share this budget at most. While Redis is unreachable each process paces
   * itself alone, at `limit ÷ fleetSize` calls per window (and that share of what Zenoti reports
   * left), so that together they stay within the organisation's limit. @default 1 (each process
   * paces at the whole limit: a fleet may then meet 429s during an outage)
   */
  fleetSize?: number | undefined;
}

const OPTIONS = ['client', 'prefix', 'limit', 'intervalMs', 'commandTimeoutMs', 'onWarning', 'fleetSize'];

/*
 * The budget is one Redis hash, `<prefix>rate-budget`: `end` (ms, Redis' clock), `used`, `limit`,
 * `interval` and `reported` (1 when `end` came from Zenoti's report, 0 while it is a guess). Both scripts read Redis' own clock (TIME), so processes whose clocks differ still
 * agree on the window.
 */
const NOW = `local t=redis.call('TIME')
local now=t[1]*1000+math.floor(t[2]/1000)
local h=redis.call('HMGET',KEYS[1],'end','used','limit','interval','reported')
local e,u,r=tonumber(h[1]) or 0,tonumber(h[2]) or 0,tonumber(h[5]) or 0
local l,i=tonumber(h[3]) or tonumber(ARGV[1]),tonumber(h[4]) or tonumber(ARGV[2])
`;
const SAVE = `redis.call('HSET',KEYS[1],'end',e,'used',u,'limit',l,'interval',i,'reported',r)
redis.call('PEXPIRE',KEYS[1],math.max(e-now,0)+i)`;

/** Takes one permit (returns 0), or returns the ms until the window refills. ARGV: default limit, interval. */
const TAKE = `${NOW}if now>=e then e,u,r=now+i,0,0 end
if u>=l then return e-now end
u=u+1
${SAVE}
return 0`;

/**
 * Follows Zenoti's report. ARGV: default limit, interval; remaining, reset ms, limit, interval,
 * Retry-After ms ('' when not reported). The same rules as core's MemoryRateBudget.observe().
 */
const OBSERVE = `${NOW}if ARGV[5]~='' then l=tonumber(ARGV[5]) end
if ARGV[6]~='' then i=tonumber(ARGV[6]) end
if ARGV[3]~='' and ARGV[4]~='' then
local re,s=now+tonumber(ARGV[4]),math.max(0,l-tonumber(ARGV[3]))
if math.abs(re-e)>1000 then e,u=re,s
else
if r==1 then e=math.min(e,re) else e=re end
u=math.max(u,s)
end
r=1
end
if ARGV[7]~='' then e,u,r=now+tonumber(ARGV[7]),l,1 end
${SAVE}
return 0`;

const text = (value: number | undefined): string => (value === undefined ? '' : String(Math.round(value)));

/**
 * A rate budget shared by every process that uses the same Redis and prefix: one organisation,
 * one budget (core's `RateBudget`). Atomic in Redis (Lua); the window is Zenoti's (the whole limit
 * back at each window's end), on Redis' clock. When Redis fails, the engine paces in-process and
 * says so once (a `warning` event), then comes back to the shared budget.
 */
export class RedisRateBudget implements RateBudget {
  readonly #link: Link;
  readonly #send: Send;
  readonly #key: string;
  readonly #defaults: [string, string];
  /** The limit it starts from (core's stand-in during an outage starts from it too). */
  readonly limit: number;
  readonly intervalMs: number;
  /** How many processes share it at most: each paces at `limit ÷ fleetSize` while it is unreachable. */
  readonly fleetSize: number;

  constructor(options: RedisRateBudgetOptions) {
    if (!(options instanceof Object))
      throw invalidOption('redis', 'options', 'must be an object with "client"');
    const {
      client,
      prefix = 'zenoti-auth:',
      limit = 60,
      intervalMs = 60_000,
      commandTimeoutMs = 1_000,
      onWarning = (message: string) => console.warn(message),
      fleetSize = 1,
    } = options;
    for (const field of Object.keys(options))
      if (!OPTIONS.includes(field)) throw invalidOption('redis', field, 'is unknown to RedisRateBudget');
    if (!isClientOrUrl(client)) throw invalidOption('redis', 'client', `must be ${CLIENT_EXPECTED}`);
    if (typeof onWarning !== 'function') throw invalidOption('redis', 'onWarning', 'must be a function');
    if (typeof prefix !== 'string') throw invalidOption('redis', 'prefix', 'must be a string');
    if (!Number.isInteger(limit) || limit < 1)
      throw invalidOption('redis', 'limit', `must be a whole number > 0, got ${limit}`);
    if (!Number.isInteger(fleetSize) || fleetSize < 1)
      throw invalidOption('redis', 'fleetSize', `must be a whole number > 0, got ${fleetSize}`);
    for (const [field, value] of [
      ['intervalMs', intervalMs],
      ['commandTimeoutMs', commandTimeoutMs],
    ] as const)
      if (typeof value !== 'number' || !(value > 0))
        throw invalidOption('redis', field, 'must be a number of ms > 0');
    this.#link = openLink(client, (message) => {
      try {
        onWarning(message);
      } catch {
        // A failing warning sink must not break the budget.
      }
    });
    this.#send = sender(this.#link, commandTimeoutMs).send;
    this.#key = `${prefix}rate-budget`;
    this.#defaults = [String(limit), String(Math.round(intervalMs))];
    this.limit = limit;
    this.intervalMs = intervalMs;
    this.fleetSize = fleetSize;
  }

  async take(): Promise<number> {
    return Number(await this.#send(['EVAL', TAKE, '1', this.#key, ...this.#defaults]));
  }

  async observe(report: RateReport): Promise<void> {
    const { remaining, resetMs, limit, intervalMs, retryAfterMs } = report;
    await this.#send([
      'EVAL',
      OBSERVE,
      '1',
      this.#key,
      ...this.#defaults,
      text(remaining),
      text(resetMs),
      text(limit),
      text(intervalMs),
      text(retryAfterMs),
    ]);
  }

  /** Closes the client when the budget opened it from a URL. A `client` you passed stays open. */
  close(): Promise<void> {
    return this.#link.close();
  }

  /** Safe to log: never the URL. */
  toJSON(): Record<string, unknown> {
    return { type: 'RedisRateBudget', key: this.#key, fleetSize: this.fleetSize, ...clientJSON(this.#link) };
  }
}
