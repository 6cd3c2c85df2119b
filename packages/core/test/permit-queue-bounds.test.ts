import { describe, expect, it } from 'vitest';
import { type RateBudget, type RateReport, ZenotiAuth, type ZenotiAuthError } from '../src/index.ts';
import { MemoryRateBudget, pacedBudget } from '../src/rate-budget/index.ts';
import { D, recorder, zenoti } from './support.ts';

const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

/** A real `MemoryRateBudget`, with the time of every `take()` recorded: the object under measurement. */
function countingBudget(limit: number, intervalMs: number): { budget: RateBudget; takes: number[] } {
  const inner = new MemoryRateBudget({ limit, intervalMs });
  const takes: number[] = [];
  const budget: RateBudget = pacedBudget({
    local: true,
    limit,
    intervalMs,
    take: () => {
      takes.push(Date.now());
      return inner.take();
    },
    observe: (report: RateReport) => inner.observe(report),
  });
  return { budget, takes };
}

/** A shared budget (as on Redis) that always answers `wait`, counting how often it is asked. */
function answering(wait: number): { budget: RateBudget; calls: () => number } {
  let calls = 0;
  const budget: RateBudget = pacedBudget({
    limit: 10,
    intervalMs: 1_000,
    take: async () => {
      calls++;
      return wait;
    },
    observe: async () => undefined,
  });
  return { budget, calls: () => calls };
}

describe('with shareInFlight: false (each caller waits in its own request)', () => {
  it('maxQueued bounds the waiters: 2,000 callers for 20 permits ask the budget at most 100 times', async () => {
    const z = await zenoti();
    const { budget, takes } = countingBudget(10, 200);
    // Windows of 200 ms: the first and the next fit within maxWaitMs (20 permits), a third does not.
    const auth = new ZenotiAuth({
      apiKey: D.apiKey,
      baseUrl: z.url,
      shareInFlight: false,
      rateLimit: { budget, maxQueued: 20, maxWaitMs: 300 },
    });
    const outcomes = await Promise.all(
      Array.from({ length: 2_000 }, () =>
        auth.fetch('/v1/centers').then(
          (r) => r.status,
          (e: ZenotiAuthError) => e.code,
        ),
      ),
    );
    const count = (what: unknown): number => outcomes.filter((o) => o === what).length;
    console.info(`2,000 callers for 20 permits: ${takes.length} budget calls`);
    expect({ served: count(200), limited: count('RATE_LIMITED') }).toEqual({ served: 20, limited: 1_980 });
    expect(z.control.counters().resources.total).toBe(20);
    expect(takes.length).toBeLessThanOrEqual(100);
  });

  it('wakes its waiters at spread times, not all at the instant the window refills', async () => {
    const z = await zenoti();
    const { budget, takes } = countingBudget(10, 400);
    const auth = new ZenotiAuth({
      apiKey: D.apiKey,
      baseUrl: z.url,
      shareInFlight: false,
      rateLimit: { budget, maxWaitMs: 2_000 },
    });
    const started = Date.now();
    const statuses = await Promise.all(
      Array.from({ length: 20 }, async () => (await auth.fetch('/v1/centers')).status),
    );
    expect(statuses).toEqual(Array(20).fill(200));
    // The ten that waited asked again after the refill (400 ms): over a spread, not in one instant.
    const wakes = takes.filter((t) => t - started >= 350);
    const spreadMs = Math.max(...wakes) - Math.min(...wakes);
    console.info(`10 waiters asked the budget again over ${spreadMs} ms`);
    expect(wakes.length).toBeGreaterThanOrEqual(10);
    expect(spreadMs).toBeGreaterThanOrEqual(25);
  });
});

describe('a budget whose wait no timer can sleep', () => {
  for (const shareInFlight of [true, false])
    for (const wait of [-5, Number.NaN, Number.POSITIVE_INFINITY])
      it(`${wait} ms (shareInFlight: ${shareInFlight}) is an outage: the stand-in serves, the budget is not spun on`, async () => {
        const z = await zenoti();
        const { budget, calls } = answering(wait);
        const { events, onEvent } = recorder();
        const auth = new ZenotiAuth({
          apiKey: D.apiKey,
          baseUrl: z.url,
          shareInFlight,
          rateLimit: { budget },
          onEvent,
        });
        const statuses = await Promise.all(
          Array.from({ length: 3 }, async () => {
            const response = await auth.fetch('/v1/centers', { signal: AbortSignal.timeout(1_000) });
            return response.status;
          }),
        );
        await sleep(300);
        console.info(`budget answering ${wait}: ${calls()} calls in 300 ms`);
        expect(statuses).toEqual([200, 200, 200]);
        // Asked by the first caller(s), then once a second at most while it stands in.
        expect(calls()).toBeLessThanOrEqual(3);
        const warnings = events.filter((e) => e.type === 'warning');
        expect(warnings).toHaveLength(1);
        expect(warnings[0]).toMatchObject({ message: expect.stringContaining('paces itself alone') });
      });

  for (const shareInFlight of [true, false])
    it(`past 2^31 − 1 ms (setTimeout's most) is slept in steps, not fired at once (shareInFlight: ${shareInFlight})`, async () => {
      const z = await zenoti();
      const { budget, calls } = answering(2 ** 31 + 1_000);
      const auth = new ZenotiAuth({
        apiKey: D.apiKey,
        baseUrl: z.url,
        shareInFlight,
        rateLimit: { budget, maxWaitMs: 2 ** 32 },
      });
      const error = await auth.fetch('/v1/centers', { signal: AbortSignal.timeout(300) }).catch((e) => e);
      console.info(`a wait of 2^31 + 1000 ms: ${calls()} budget calls in 300 ms`);
      expect(error).toMatchObject({ code: 'ABORTED' });
      expect(calls()).toBe(1);
      expect(z.control.counters().resources.total).toBe(0);
    });
});
