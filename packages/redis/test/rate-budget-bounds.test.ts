import { ZenotiAuthError } from '@zenoti-auth/core';
import { describe, expect, it } from 'vitest';
import { RedisRateBudget, type RedisRateBudgetOptions } from '../src/rate-budget.ts';
import { CLIENT_KINDS, client, ioredis, uniquePrefix } from './support.ts';

const DAY_MS = 86_400_000;

/** The budget's hash as Redis holds it, with its TTL and how long until its window ends (Redis' clock). */
async function stateOf(key: string) {
  const redis = ioredis();
  const [hash, ttl, [seconds, micros]] = await Promise.all([
    redis.hgetall(key),
    redis.pttl(key),
    redis.time(),
  ]);
  const now = Number(seconds) * 1_000 + Math.floor(Number(micros) / 1_000);
  return { hash, ttl, endsIn: Number(hash.end) - now };
}

describe.each(CLIENT_KINDS)('RedisRateBudget (%s): its state is bounded', (kind) => {
  it('clamps absurd reports: limit 0, a Reset of 1e12, Retry-After NaN or 1e9, a window of 1e12', async () => {
    const prefix = uniquePrefix();
    const budget = new RedisRateBudget({ client: await client(kind), prefix, account: 'acme', limit: 5 });
    const key = `${prefix}rate-budget:acme`;

    await budget.observe({ limit: 0, remaining: 3, resetMs: 1e12 });
    let state = await stateOf(key);
    expect(state.hash.limit).toBe('5'); // a limit of 0 is no limit Zenoti sets: ignored
    expect(state.endsIn).toBeLessThanOrEqual(DAY_MS);
    expect(state.ttl).toBeGreaterThan(0);
    expect(state.ttl).toBeLessThanOrEqual(DAY_MS);
    expect([await budget.take(), await budget.take(), await budget.take()]).toEqual([0, 0, 0]);
    expect(await budget.take()).toBeLessThanOrEqual(DAY_MS);

    await budget.observe({ retryAfterMs: Number.NaN, limit: Number.POSITIVE_INFINITY });
    expect((await stateOf(key)).hash.limit).toBe('5');

    await budget.observe({ retryAfterMs: 1e9, intervalMs: 1e12, limit: 1e300 });
    state = await stateOf(key);
    expect(Number(state.hash.interval)).toBe(DAY_MS);
    expect(Number(state.hash.limit)).toBe(1_000_000);
    expect(state.endsIn).toBeLessThanOrEqual(DAY_MS);
    expect(state.endsIn).toBeGreaterThan(DAY_MS - 5_000);
    expect(state.ttl).toBeLessThanOrEqual(DAY_MS);
    const wait = await budget.take();
    expect(wait).toBeGreaterThan(DAY_MS - 5_000);
    expect(wait).toBeLessThanOrEqual(DAY_MS);
  });

  it('reads a corrupt hash as bounded numbers, and gives it a TTL again', async () => {
    const prefix = uniquePrefix();
    const budget = new RedisRateBudget({ client: await client(kind), prefix, account: 'acme', limit: 2 });
    const key = `${prefix}rate-budget:acme`;
    const redis = ioredis();
    await redis.hset(key, { end: '1e300', used: '-7', limit: '0', interval: 'inf', reported: '1' });
    expect(await redis.pttl(key)).toBe(-1); // no TTL: it would live for ever

    // The window ends within a day, with the configured limit (0 is none) and nothing used (-7).
    expect([await budget.take(), await budget.take()]).toEqual([0, 0]);
    const wait = await budget.take();
    expect(wait).toBeGreaterThan(DAY_MS - 5_000);
    expect(wait).toBeLessThanOrEqual(DAY_MS);
    const state = await stateOf(key);
    expect(state.hash).toMatchObject({ limit: '2', interval: String(DAY_MS), used: '2' });
    expect(state.ttl).toBeGreaterThan(0);
    expect(state.ttl).toBeLessThanOrEqual(DAY_MS);

    await redis.hset(key, { end: 'nan', used: '1e400', limit: '-1', interval: '-5' });
    expect(await budget.take()).toBe(0); // a new window of the default interval and limit
    expect((await stateOf(key)).hash).toMatchObject({ limit: '2', interval: '60000', used: '1' });
  });
});

describe('RedisRateBudget options', () => {
  it.each<[string, Partial<RedisRateBudgetOptions> & Record<string, unknown>]>([
    ['prefix', { prefix: 'has space:' }],
    ['prefix', { prefix: 42 as never }],
    ['account', { account: '' }],
    ['account', { account: 'two words' }],
    ['limit', { limit: 0 }],
    ['limit', { limit: 1e300 }],
    ['intervalMs', { intervalMs: Number.POSITIVE_INFINITY }],
    ['intervalMs', { intervalMs: DAY_MS + 1 }],
    ['intervalMs', { intervalMs: '60000' as never }],
    ['commandTimeoutMs', { commandTimeoutMs: Number.NaN }],
    ['fleetSize', { fleetSize: 0.5 }],
    ['onWarning', { onWarning: 'console' as never }],
    ['budget', { budget: 1 }],
  ])('rejects a bad "%s" with INVALID_OPTIONS naming it', (field, options) => {
    let error: unknown;
    try {
      new RedisRateBudget({ client: ioredis(), ...options });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ZenotiAuthError);
    expect(error).toMatchObject({ code: 'INVALID_OPTIONS', field });
    expect((error as Error).message).toMatch(new RegExp(`^\\[@zenoti-auth/redis\\] Option "${field}" `));
  });
});
