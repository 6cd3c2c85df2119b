import {
  BUDGET_OPTION_RULES,
  type OptionTable,
  resolveOptions,
  wholeNumberRule,
} from '@zenoti-auth/core/shared-store';
import { CONNECTION_OPTION_RULES, type RedisClientLike } from './options.ts';

export interface RedisRateBudgetOptions {
  /**
   * An `ioredis` instance or a connected `redis` (node-redis) client, shared and never closed here;
   * or a Redis URL (`redis://…`, `rediss://…`): then the budget opens a client of its own (ioredis
   * when installed, else node-redis) and `close()` closes it.
   */
  client: RedisClientLike | string;
  /** Put before the budget's keys: every process with the same prefix shares each organisation's budget. @default 'zenoti-auth:' */
  prefix?: string | undefined;
  /**
   * The organisation whose budget this is (its Zenoti account name): every engine that uses it then
   * pays into this account's window, and an engine of another account is warned about. Give it for
   * engines with an API key, which name no account. @default each engine's own `app.accountName`:
   * every organisation its own budget (`<prefix>rate-budget:<account>`)
   */
  account?: string | undefined;
  /** Calls per window, until Zenoti announces another limit. @default 60 */
  limit?: number | undefined;
  /** The window's length in ms, until Zenoti announces another. @default 60_000 */
  intervalMs?: number | undefined;
  /** Time limit of one Redis command; past it the call fails (the engine then paces in-process). @default 1_000 */
  commandTimeoutMs?: number | undefined;
  /**
   * Receives the budget's warnings: why Redis fails, and when it answers again (never a secret).
   * @default as `warning` events (`source: 'budget'`) to the first engine using the budget that
   * listens, else `console.warn`
   */
  onWarning?: ((message: string) => void) | undefined;
  /**
   * How many processes share this budget at most. While Redis is unreachable each process paces
   * itself alone, at `limit ÷ fleetSize` calls per window (and that share of what Zenoti reports
   * left), so that together they stay within the organisation's limit. @default 1 (each process
   * paces at the whole limit: a fleet may then meet 429s during an outage)
   */
  fleetSize?: number | undefined;
}

/** Options after validation, with defaults (`account` '' when none is configured). Internal. */
export type ResolvedBudgetOptions = {
  [K in Exclude<keyof RedisRateBudgetOptions, 'onWarning'>]-?: Exclude<RedisRateBudgetOptions[K], undefined>;
} & { onWarning: RedisRateBudgetOptions['onWarning'] };

/** What each option must be, and its default: core's rules of every shared budget, and Redis' own. */
const BUDGET_TABLE: OptionTable = {
  ...CONNECTION_OPTION_RULES,
  ...BUDGET_OPTION_RULES,
  fleetSize: wholeNumberRule(10_000, 1),
};

/**
 * Checks the options and applies defaults (`BUDGET_TABLE`, on core's option table). Every mistake is
 * `INVALID_OPTIONS` naming the option; the value itself is never shown (a URL may hold a password),
 * except a number.
 */
export function resolveBudgetOptions(options: RedisRateBudgetOptions): ResolvedBudgetOptions {
  const o = resolveOptions('redis', 'RedisRateBudget', options, BUDGET_TABLE, {
    required: 'client',
    shape: 'an object with "client"',
  });
  return { ...o, account: o.account ?? '' } as ResolvedBudgetOptions;
}
