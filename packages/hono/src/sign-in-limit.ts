import { invalidOption, onCloudflareWorkers } from '@zenoti-auth/core';
import type { Context } from 'hono';
import { defined } from './defined.ts';

/**
 * The budget of failed sign-ins (`zenotiSignIn({ limit })`). Every sign-in spends one of the
 * organisation's Zenoti calls (60 a minute by default) and a wrong password counts towards
 * Zenoti's account lock-out, so failures are limited per username and per client address.
 */
export interface ZenotiSignInLimit {
  /** Failed sign-ins per username (case-insensitive) in a window; below Zenoti's default lock-out after 5 wrong passwords. @default 4 */
  perUsername?: number | undefined;
  /** Failed sign-ins per client address in a window. @default 20 */
  perAddress?: number | undefined;
  /** The window, in seconds, counted from a key's first failure. @default 900 (15 minutes) */
  windowSeconds?: number | undefined;
  /** How many usernames and addresses are remembered at most; beyond, the oldest is dropped. @default 10000 */
  maxEntries?: number | undefined;
}

const DEFAULTS: { [K in keyof ZenotiSignInLimit]-?: number } = {
  perUsername: 4,
  perAddress: 20,
  windowSeconds: 900,
  maxEntries: 10_000,
};

/** The client address by default: never from `X-Forwarded-For` or any other header a client can set. */
export function defaultClientAddress(c: Context): string | undefined {
  // On Cloudflare, CF-Connecting-IP is set by Cloudflare itself; a client cannot forge it there.
  if (onCloudflareWorkers()) return c.req.header('cf-connecting-ip');
  // @hono/node-server puts the request's IncomingMessage, and so its socket, on c.env.incoming.
  return (
    (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming?.socket
      ?.remoteAddress || undefined
  );
}

interface Entry {
  failures: number;
  resetAt: number;
}

/** Failed sign-ins per username and per client address (see `signInLimiter`). */
export interface SignInLimiter {
  /** The keys a sign-in by `username` from `address` counts under (usernames compare case-insensitively). */
  keys(username: string, address: string | undefined): string[];
  /** Charges one attempt to each key and returns 0; or, when a key's budget is spent, charges nothing and returns the whole seconds to wait. */
  take(keys: string[]): number;
  /** Takes back the charge of an attempt that succeeded. */
  refund(keys: string[]): void;
}

/**
 * Failed sign-ins per username (`u:` keys) and per client address (`a:` keys), in memory (per
 * process or isolate). An attempt is charged before Zenoti is called, so concurrent attempts
 * cannot slip past the limit, and refunded when it succeeds: only failures count.
 */
export function signInLimiter(options: ZenotiSignInLimit | undefined): SignInLimiter {
  if (options !== undefined && (typeof options !== 'object' || options === null))
    throw invalidOption('hono', 'limit', 'must be an object or false');
  const limits: typeof DEFAULTS = { ...DEFAULTS, ...defined(options) };
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value < 1)
      throw invalidOption('hono', `limit.${name}`, 'must be a positive integer');
  }
  // Insertion order is expiry order: an entry is inserted anew when its window starts again.
  const entries = new Map<string, Entry>();

  /** The entry of `key` while its window runs; an expired one is forgotten. */
  const current = (key: string, now: number): Entry | undefined => {
    const entry = entries.get(key);
    if (entry && entry.resetAt > now) return entry;
    entries.delete(key);
    return undefined;
  };

  return {
    keys: (username, address) => [`u:${username.toLowerCase()}`, ...(address ? [`a:${address}`] : [])],

    take(keys) {
      const now = Date.now();
      let wait = 0;
      for (const key of keys) {
        const entry = current(key, now);
        const limit = key[0] === 'u' ? limits.perUsername : limits.perAddress;
        if (entry && entry.failures >= limit) wait = Math.max(wait, Math.ceil((entry.resetAt - now) / 1000));
      }
      if (wait > 0) return wait;
      for (const key of keys) {
        const entry = current(key, now);
        if (entry) entry.failures++;
        else {
          // Full: the oldest entry goes, which is also the first to expire.
          if (entries.size >= limits.maxEntries) entries.delete(entries.keys().next().value as string);
          entries.set(key, { failures: 1, resetAt: now + limits.windowSeconds * 1000 });
        }
      }
      return 0;
    },

    refund(keys) {
      for (const key of keys) {
        const entry = current(key, Date.now());
        if (entry && --entry.failures < 1) entries.delete(key);
      }
    },
  };
}
