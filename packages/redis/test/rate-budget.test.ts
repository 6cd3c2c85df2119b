import { MemoryTokenStore, ZenotiAuth, type ZenotiAuthEvent } from '@zenoti-auth/core';
import { describe, expect, it } from 'vitest';
import { RedisRateBudget } from '../src/rate-budget.ts';
import { freePort } from './redis-server.ts';
import { CLIENT_KINDS, client, D, ioredis, sleep, uniquePrefix, zenoti } from './support.ts';

describe.each(CLIENT_KINDS)('RedisRateBudget (%s): one window for every process', (kind) => {
  it('gives `limit` permits per window across processes, then the whole limit back at once', async () => {
    const prefix = uniquePrefix();
    // Two budgets on two connections: two processes, as far as Redis can tell.
    const a = new RedisRateBudget({ client: await client(kind), prefix, limit: 3, intervalMs: 400 });
    const b = new RedisRateBudget({ client: await client(kind), prefix, limit: 3, intervalMs: 400 });
    expect([await a.take(), await b.take(), await a.take()]).toEqual([0, 0, 0]);
    const wait = await b.take();
    expect(wait).toBeGreaterThan(300);
    expect(wait).toBeLessThanOrEqual(400);
    await sleep(wait + 20);
    expect([await b.take(), await b.take(), await a.take()]).toEqual([0, 0, 0]);
    expect(await a.take()).toBeGreaterThan(0);
  });

  it('follows Zenoti: its remaining calls and reset, a higher announced limit, a 429’s Retry-After', async () => {
    const prefix = uniquePrefix();
    const budget = new RedisRateBudget({ client: await client(kind), prefix, limit: 60, intervalMs: 60_000 });
    await budget.observe({ remaining: 1, resetMs: 2_000 });
    expect(await budget.take()).toBe(0);
    const wait = await budget.take();
    expect(wait).toBeGreaterThan(1_800);
    expect(wait).toBeLessThanOrEqual(2_000);
    await budget.observe({ limit: 600, intervalMs: 60_000, retryAfterMs: 300 });
    await sleep(320);
    let granted = 0;
    while ((await budget.take()) === 0 && granted < 1_000) granted++;
    expect(granted).toBe(600);
  });
});

describe('an engine fleet on RedisRateBudget against Zenoti’s window limit', () => {
  it('provokes no 429: every call of two processes is paced into the organisation’s windows', async () => {
    const z = await zenoti({ rateLimit: { limit: 10, windowSeconds: 1 } });
    const prefix = uniquePrefix();
    const engines = Array.from(
      { length: 2 },
      () =>
        new ZenotiAuth({
          apiKey: D.apiKey,
          baseUrl: z.url,
          rateLimit: {
            budget: new RedisRateBudget({ client: ioredis(), prefix, limit: 10, intervalMs: 1_000 }),
          },
        }),
    );
    const started = Date.now();
    const statuses = await Promise.all(
      engines.flatMap((auth) =>
        Array.from({ length: 15 }, async () => (await auth.fetch('/v1/centers')).status),
      ),
    );
    const seconds = (Date.now() - started) / 1_000;
    expect(statuses.filter((s) => s === 200)).toHaveLength(30);
    expect(z.control.counters().resources.byStatus['429']).toBeUndefined();
    // 30 calls at 10 a window: three windows, so at least two refills (and not much more).
    expect(seconds).toBeGreaterThanOrEqual(1.9);
    expect(seconds).toBeLessThan(2 * 1.3 + 1);
  });

  it('paces in-process, with one warning, while Redis is unreachable', async () => {
    const z = await zenoti();
    const down = ioredis(await freePort(), {
      lazyConnect: true,
      retryStrategy: () => 1_000,
      maxRetriesPerRequest: 0,
    });
    const events: ZenotiAuthEvent[] = [];
    const auth = new ZenotiAuth({
      apiKey: D.apiKey,
      baseUrl: z.url,
      store: new MemoryTokenStore(),
      rateLimit: {
        budget: new RedisRateBudget({ client: down, prefix: uniquePrefix(), commandTimeoutMs: 200 }),
      },
      onEvent: (e) => events.push(e),
    });
    const statuses = await Promise.all(
      Array.from({ length: 5 }, async () => (await auth.fetch('/v1/centers')).status),
    );
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    const warnings = events.flatMap((e) => (e.type === 'warning' ? [`${e.source} ${e.message}`] : []));
    // Core's, once; and the budget's own, told through the engine (no onWarning given), in either order.
    expect(warnings.sort()).toEqual([
      'budget [@zenoti-auth/core] Rate budget unreachable; this process paces itself alone meanwhile.',
      expect.stringMatching(/^budget \[@zenoti-auth\/redis\] Redis fails: /),
    ]);
  });
});
