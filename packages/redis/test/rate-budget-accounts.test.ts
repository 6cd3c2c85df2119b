import { ZenotiAuth, type ZenotiAuthError } from '@zenoti-auth/core';
import { otherServiceUser } from '@zenoti-auth/test-support';
import { describe, expect, it } from 'vitest';
import { RedisRateBudget } from '../src/rate-budget.ts';
import { D, ioredis, serviceUser, uniquePrefix, zenoti } from './support.ts';

/** Zenoti's limit is per organisation: a budget of 3 calls a minute, and no wait past 200 ms. */
const budgetOptions = (prefix: string) => ({ client: ioredis(), prefix, limit: 3, intervalMs: 60_000 });

/** The status `fetch()` answers, or the code it rejects with. */
async function answer(auth: ZenotiAuth): Promise<number | string> {
  try {
    return (await auth.fetch('/v1/centers')).status;
  } catch (error) {
    return (error as ZenotiAuthError).code;
  }
}

describe('RedisRateBudget: one budget per organisation', () => {
  it.each([
    ['a budget each (two processes)', false],
    ['one budget for both engines', true],
  ])('%s on one Redis and prefix: organisation B is not RATE_LIMITED by what A spent', async (_, one) => {
    const z = await zenoti();
    const prefix = uniquePrefix();
    const shared = new RedisRateBudget(budgetOptions(prefix));
    const budgetOf = () => (one ? shared : new RedisRateBudget(budgetOptions(prefix)));
    const a = new ZenotiAuth(serviceUser(z.url, { rateLimit: { budget: budgetOf(), maxWaitMs: 200 } }));
    const b = new ZenotiAuth(otherServiceUser(z.url, { rateLimit: { budget: budgetOf(), maxWaitMs: 200 } }));
    // A spends its window: a token call and two resource calls; its fourth call has no permit.
    expect([await answer(a), await answer(a), await answer(a)]).toEqual([200, 200, 'RATE_LIMITED']);
    // B's window is its own.
    expect([await answer(b), await answer(b)]).toEqual([200, 200]);
    expect(await answer(b)).toBe('RATE_LIMITED');

    // Each window is a hash of its own, that says whose it is.
    const redis = ioredis();
    const windows = await Promise.all(
      [D.accountName, D.other.accountName].map((account) =>
        redis.hgetall(`${prefix}rate-budget:${account.toLowerCase()}`),
      ),
    );
    expect(windows.map(({ used, account }) => ({ used, account }))).toEqual([
      { used: '3', account: D.accountName.toLowerCase() },
      { used: '3', account: D.other.accountName.toLowerCase() },
    ]);
    expect(await redis.exists(`${prefix}rate-budget`)).toBe(0);
  });

  it('with `account`, is that organisation’s for every engine, and warns once of an engine of another', async () => {
    const z = await zenoti();
    const prefix = uniquePrefix();
    const warnings: string[] = [];
    const budget = new RedisRateBudget({
      ...budgetOptions(prefix),
      account: D.accountName.toUpperCase(),
      onWarning: (message) => warnings.push(message),
    });
    const a = new ZenotiAuth(serviceUser(z.url, { rateLimit: { budget, maxWaitMs: 200 } }));
    expect(warnings).toEqual([]); // the same account, whatever its case
    const b = new ZenotiAuth(otherServiceUser(z.url, { rateLimit: { budget, maxWaitMs: 200 } }));
    new ZenotiAuth(otherServiceUser(z.url, { rateLimit: { budget, maxWaitMs: 200 } }));
    expect(warnings).toEqual([
      `[@zenoti-auth/redis] The RedisRateBudget of account "${D.accountName.toLowerCase()}" paces account "${D.other.accountName.toLowerCase()}" too: two organisations, one window.`,
    ]);
    // Shared on purpose: B's calls spend A's window.
    expect([await answer(b), await answer(b)]).toEqual([200, 200]);
    expect(await answer(a)).toBe('RATE_LIMITED');
    const redis = ioredis();
    expect(await redis.hget(`${prefix}rate-budget:${D.accountName.toLowerCase()}`, 'account')).toBe(
      D.accountName.toLowerCase(),
    );
  });
});
