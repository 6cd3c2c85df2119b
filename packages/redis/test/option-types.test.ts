import { describe, expect, it } from 'vitest';
import { RedisTokenStore } from '../src/index.ts';
import { RedisRateBudget } from '../src/rate-budget.ts';
import { tokenSet } from './contract.ts';
import { ioredis, onCleanup, uniquePrefix } from './support.ts';

// Compiled by the typecheck with exactOptionalPropertyTypes, as strict projects set it: values read
// from the environment are `string | undefined`, and an option given as `undefined` takes its default.
const env: Record<string, string | undefined> = {};

describe('option types under exactOptionalPropertyTypes', () => {
  it('RedisTokenStore and RedisRateBudget take `undefined` for every optional option, and apply its default', async () => {
    const prefix = uniquePrefix();
    const store = new RedisTokenStore({
      client: ioredis(),
      prefix: env.REDIS_PREFIX ?? prefix,
      lockTtlMs: undefined,
      waitTimeoutMs: undefined,
      commandTimeoutMs: undefined,
      encryption: undefined,
      onWarning: () => undefined,
    });
    onCleanup(() => store.close());
    expect(store.toJSON()).toMatchObject({ prefix, waitTimeoutMs: 30_000, commandTimeoutMs: 1_000 });
    await store.set('k', tokenSet(1), 60_000);
    expect((await store.get('k'))?.version).toBe(1);
    const budget = new RedisRateBudget({
      client: ioredis(),
      prefix: env.REDIS_PREFIX ?? prefix,
      limit: undefined,
      intervalMs: undefined,
      commandTimeoutMs: undefined,
    });
    expect(budget.limit).toBe(60);
    expect(await budget.take()).toBe(0);
  });
});
