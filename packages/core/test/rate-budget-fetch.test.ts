import { describe, expect, it } from 'vitest';
import { ZenotiAuth, type ZenotiAuthEvent } from '../src/index.ts';
import { MemoryRateBudget, pacedBudget } from '../src/rate-budget/index.ts';
import { D, zenoti } from './support.ts';

const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

function keyEngine(url: string, budget: MemoryRateBudget, extra: Record<string, unknown> = {}) {
  const events: ZenotiAuthEvent[] = [];
  const auth = new ZenotiAuth({
    apiKey: D.apiKey,
    baseUrl: url,
    rateLimit: { budget, maxWaitMs: 5_000 },
    onEvent: (e) => events.push(e),
    ...extra,
  });
  return { auth, events };
}

describe('fetch() takes a permit of the rate budget before every call', () => {
  it('paces a burst into windows: every call served, none before its window', async () => {
    const z = await zenoti();
    const budget = new MemoryRateBudget({ limit: 5, intervalMs: 300 });
    const { auth, events } = keyEngine(z.url, budget);
    const started = Date.now();
    const at: number[] = [];
    const statuses = await Promise.all(
      Array.from({ length: 15 }, async () => {
        const res = await auth.fetch('/v1/centers');
        at.push(Date.now() - started);
        return res.status;
      }),
    );
    expect(statuses.every((s) => s === 200)).toBe(true);
    at.sort((a, b) => a - b);
    // Three windows of five: the sixth call cannot go before 300 ms, the eleventh before 600 ms.
    expect(at[5]).toBeGreaterThanOrEqual(290);
    expect(at[10]).toBeGreaterThanOrEqual(590);
    const waited = events.filter((e) => e.type === 'rateLimit' && e.waitedMs !== undefined);
    expect(waited).toHaveLength(10);
  });

  it('pauses the whole budget on a 429: other callers wait out its Retry-After', async () => {
    const z = await zenoti();
    const budget = new MemoryRateBudget({ limit: 100, intervalMs: 60_000 });
    const { auth, events } = keyEngine(z.url, budget);
    z.control.injectFault('resource', { kind: 'status', status: 429, headers: { 'retry-after': '1' } }, 1);
    const first = auth.fetch('/v1/centers');
    // The 429 has come back and paused the budget (however loaded the machine is).
    while (!events.some((e) => e.type === 'rateLimit' && e.retrying)) await sleep(5);
    const before = z.control.counters().resources.total;
    const started = Date.now();
    const others = await Promise.all(Array.from({ length: 5 }, () => auth.fetch('/v1/centers')));
    expect(Date.now() - started).toBeGreaterThanOrEqual(800);
    expect(others.every((r) => r.status === 200)).toBe(true);
    expect((await first).status).toBe(200);
    expect(z.control.counters().resources.total - before).toBe(6); // the retry and the five, after the pause
  });

  it('follows the budget Zenoti reports in its headers', async () => {
    const z = await zenoti();
    const budget = new MemoryRateBudget({ limit: 100, intervalMs: 60_000 });
    const { auth } = keyEngine(z.url, budget);
    z.control.injectFault(
      'resource',
      {
        kind: 'status',
        status: 200,
        body: '{"centers":[]}',
        headers: { 'ratelimit-remaining': '0', 'ratelimit-reset': '1' },
      },
      1,
    );
    expect((await auth.fetch('/v1/centers')).status).toBe(200);
    const started = Date.now();
    expect((await auth.fetch('/v1/centers')).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it('fails at once with RATE_LIMITED and the time to wait when the wait is past maxWaitMs; makes no call', async () => {
    const z = await zenoti();
    const budget = new MemoryRateBudget({ limit: 1, intervalMs: 60_000 });
    const { auth } = keyEngine(z.url, budget, { rateLimit: { budget, maxWaitMs: 1_000 } });
    expect((await auth.fetch('/v1/centers')).status).toBe(200);
    const error = await auth.fetch('/v1/centers').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'RATE_LIMITED', transient: true });
    expect((error as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(58_000);
    expect(z.control.counters().resources.total).toBe(1);
  });

  it('takes a permit for token calls too, ahead of resource calls', async () => {
    const z = await zenoti();
    const budget = new MemoryRateBudget({ limit: 2, intervalMs: 400 });
    const auth = new ZenotiAuth({
      baseUrl: z.url,
      app: { accountName: D.accountName, ...D.employeeApp },
      user: { ...D.employee },
      rateLimit: { budget },
    });
    // One token call and three resource calls in windows of two: the token call goes in the first.
    const statuses = await Promise.all(
      Array.from({ length: 3 }, async () => (await auth.fetch('/v1/centers')).status),
    );
    expect(statuses).toEqual([200, 200, 200]);
    expect(z.control.counters().token.total).toBe(1);
    expect(budget.take()).toBeGreaterThan(0); // four calls: both windows spent
  });
});

describe('a shared budget that becomes unreachable', () => {
  it('is stood in for by a process budget that followed Zenoti’s reports: no burst into a spent window', async () => {
    const z = await zenoti({ rateLimit: { limit: 10, windowSeconds: 1 } });
    // A remote budget (like RedisRateBudget) that fails from 300 ms on, as Redis going down would.
    const inner = new MemoryRateBudget({ limit: 10, intervalMs: 1_000 });
    let down = false;
    const reachable = (): void => {
      if (down) throw new Error('Redis down');
    };
    const budget = pacedBudget({
      limit: 10,
      intervalMs: 1_000,
      take: async () => {
        reachable();
        return inner.take();
      },
      observe: async (report: Parameters<MemoryRateBudget['observe']>[0]) => {
        reachable();
        inner.observe(report);
      },
    });
    const events: ZenotiAuthEvent[] = [];
    const auth = new ZenotiAuth({
      apiKey: D.apiKey,
      baseUrl: z.url,
      rateLimit: { budget },
      onEvent: (e) => events.push(e),
    });
    const calls = Array.from({ length: 30 }, () => auth.fetch('/v1/centers').then((r) => r.status));
    setTimeout(() => {
      down = true;
    }, 300);
    expect(await Promise.all(calls)).toEqual(Array(30).fill(200));
    expect(z.control.counters().resources.byStatus['429']).toBeUndefined();
    expect(events.filter((e) => e.type === 'warning')).toHaveLength(1);
  });
});
