import { invalidOption } from '../errors.ts';

/*
 * One option table for the token stores and rate budgets that share state between processes
 * (`@zenoti-auth/redis`, `@zenoti-auth/cloudflare`): what each option must be, and its default where
 * they share one. Each package spreads the rules it has in common with the others into its own
 * table and adds its own (a Redis client, a Durable Object namespace…); `resolveOptions` checks a
 * table and applies its defaults. Every mistake is `INVALID_OPTIONS` naming the option, in core's
 * one format (`[@zenoti-auth/<package>] Option "<field>" <problem>.`); a value is never shown (a
 * URL may hold a password), except a number.
 */

/** One option: a check, what it expects (`must be <expected>`), and its default, if it has one. */
export interface OptionRule {
  test(value: never): unknown;
  expected: string;
  default?: unknown;
}

/** The rules of a store's or a budget's options, by option name. */
export type OptionTable = Readonly<Record<string, OptionRule>>;

/** A day: a longer time is surely a unit mistake (seconds for milliseconds…). */
export const DAY_MS = 86_400_000;

/** A number of milliseconds from `least` to a day. */
export function durationRule(least: number, fallback?: number): OptionRule {
  return {
    test: (value: number) => typeof value === 'number' && value >= least && value <= DAY_MS,
    expected: `a number of milliseconds from ${least} to ${DAY_MS}`,
    ...(fallback === undefined ? {} : { default: fallback }),
  };
}

/** A whole number from 1 to `most`. */
export function wholeNumberRule(most: number, fallback?: number): OptionRule {
  return {
    test: (value: number) => Number.isInteger(value) && value >= 1 && value <= most,
    expected: `a whole number from 1 to ${most}`,
    ...(fallback === undefined ? {} : { default: fallback }),
  };
}

const isFunction = (value: unknown): boolean => typeof value === 'function';

/** The rules every shared token store has: its lock, its wait for the lock, encryption at rest, warnings. */
export const STORE_OPTION_RULES = {
  /** Lease of the refresh lock (each store has its own default, or the engine's). */
  lockTtlMs: durationRule(100),
  /** Longest wait for a lock another process holds. */
  waitTimeoutMs: durationRule(0, 30_000),
  /** `encryption(key)` of `@zenoti-auth/core/encryption` (or any `TokenSetCipher`). */
  encryption: {
    test: (cipher?: Record<string, unknown>) =>
      ['keyId', 'encrypt', 'decrypt'].every((method) => isFunction(cipher?.[method])),
    expected: 'a TokenSetCipher, such as encryption(key) from @zenoti-auth/core/encryption',
  },
  onWarning: { test: isFunction, expected: 'a function' },
} satisfies OptionTable;

/** The rules every shared rate budget has: whose budget, Zenoti's standard window, warnings. */
export const BUDGET_OPTION_RULES = {
  /** The organisation (its Zenoti account name) whose window the budget is. */
  account: {
    test: (value: string) => typeof value === 'string' && /^\S{1,200}$/.test(value),
    expected: 'an account name (no whitespace, ≤ 200 characters)',
  },
  /** Calls per window until Zenoti announces another limit: its standard 60 a minute. */
  limit: wholeNumberRule(1_000_000, 60),
  intervalMs: durationRule(1, 60_000),
  onWarning: STORE_OPTION_RULES.onWarning,
} satisfies OptionTable;

/**
 * Checks `options` against `table` and applies its defaults: `options` must be an object (`shape`
 * says what kind, for the message), hold no option the table lacks, and hold `required`.
 * `packageName` and `what` (the class) name the culprit in every message.
 */
export function resolveOptions<T extends object>(
  packageName: string,
  what: string,
  options: T,
  table: OptionTable,
  { required, shape }: { required: string; shape: string },
): T {
  if (!(options instanceof Object)) throw invalidOption(packageName, 'options', `must be ${shape}`);
  for (const field of Object.keys(options))
    if (!Object.hasOwn(table, field)) throw invalidOption(packageName, field, `is unknown to ${what}`);
  const resolved: Record<string, unknown> = {};
  for (const [field, rule] of Object.entries(table)) {
    const value = (options as Record<string, unknown>)[field];
    if (value === undefined && field !== required) {
      if (rule.default !== undefined) resolved[field] = rule.default;
      continue;
    }
    if (!rule.test(value as never))
      throw invalidOption(
        packageName,
        field,
        `must be ${rule.expected}${typeof value === 'number' ? `, got ${value}` : ''}`,
      );
    resolved[field] = value;
  }
  return resolved as T;
}
