import { describe, expect, it } from 'vitest';
import { Emitter, type ZenotiAuthEvent } from '../src/events.ts';
import { MemoryRateBudget, pacedBudget } from '../src/rate-budget/index.ts';
import type { PermitQueue } from '../src/rate-budget/permit-queue.ts';
import { type PermitListener, permitsOf, type RateBudget, readRateReport } from '../src/rate-budget.ts';
import { listenerOf } from '../src/rate-limits.ts';

/** The queue of `budget`'s permits in this process, as an engine reaches it (paced first). */
const permitQueueOf = (budget: RateBudget): PermitQueue =>
  permitsOf(pacedBudget(budget), budget) as PermitQueue;

describe('MemoryRateBudget: Zenoti’s window', () => {
  it('gives `limit` permits per window, then says how long until the whole limit is back', () => {
    let now = 1_000;
    const budget = new MemoryRateBudget({ limit: 3, intervalMs: 10_000, now: () => now });
    expect([budget.take(), budget.take(), budget.take()]).toEqual([0, 0, 0]);
    now += 4_000;
    expect(budget.take()).toBe(6_000);
    now += 6_000; // the window ends: all three are back at once (not one by one)
    expect([budget.take(), budget.take(), budget.take(), budget.take()]).toEqual([0, 0, 0, 10_000]);
  });

  it('follows Zenoti: its window replaces ours, a higher limit is used, a 429 spends the window', () => {
    let now = 0;
    const budget = new MemoryRateBudget({ limit: 60, intervalMs: 60_000, now: () => now });
    budget.take();
    // Others spent 50 of the organisation's 60; the window ends in 20 s.
    budget.observe({ remaining: 10, resetMs: 20_000 });
    for (let i = 0; i < 10; i++) expect(budget.take()).toBe(0);
    expect(budget.take()).toBe(20_000);
    now = 20_000;
    budget.observe({ limit: 600, intervalMs: 60_000 }); // a paid tier, announced in a header
    let granted = 0;
    while (budget.take() === 0 && granted < 1_000) granted++;
    expect(granted).toBe(600);
    now = 90_000;
    budget.observe({ retryAfterMs: 30_000 });
    expect(budget.take()).toBe(30_000);
  });

  it('within the same window takes the later end: Zenoti rounds Reset up, never ends before it says', () => {
    let now = 0;
    const budget = new MemoryRateBudget({ limit: 2, intervalMs: 1_000, now: () => now });
    budget.take();
    now = 300;
    budget.observe({ remaining: 1, resetMs: 1_000 }); // Zenoti's window began a little after ours
    expect(budget.take()).toBe(0);
    now = 1_000; // our own window would refill now; Zenoti's only at 1,300
    expect(budget.take()).toBe(300);
  });

  it("with a share, gives that share of the limit and of what Zenoti reports left (a fleet's stand-in)", () => {
    let now = 0;
    const budget = new MemoryRateBudget({ limit: 60, intervalMs: 60_000, now: () => now, share: 1 / 4 });
    let granted = 0;
    while (budget.take() === 0 && granted < 100) granted++;
    expect(granted).toBe(15); // 60 ÷ 4 processes
    now = 60_000;
    budget.observe({ remaining: 20, resetMs: 30_000 }); // the fleet left 20 of 60 in this window
    granted = 0;
    while (budget.take() === 0 && granted < 100) granted++;
    expect(granted).toBe(5); // a quarter of what is left
    expect(budget.take()).toBe(30_000);
    // Four such processes together never pass the organisation's limit, whatever it is.
    budget.observe({ limit: 10, retryAfterMs: 1_000 });
    now = 91_000;
    granted = 0;
    while (budget.take() === 0 && granted < 100) granted++;
    expect(granted).toBe(2); // floor(10 ÷ 4)
  });

  it.each([
    ['limit', { limit: 0 }],
    ['limit', { limit: 1.5 }],
    ['intervalMs', { intervalMs: Number.NaN }],
    ['intervalMs', { intervalMs: 86_400_001 }],
    ['share', { share: 0 }],
    ['share', { share: 2 }],
    ['now', { now: 5 }],
  ])('rejects a nonsensical %s (%o) with INVALID_OPTIONS naming it', (field, options) => {
    let error: unknown;
    try {
      new MemoryRateBudget(options as never);
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: 'INVALID_OPTIONS', field });
    expect(String((error as Error).message)).toContain(`"${field}" of MemoryRateBudget`);
  });
});

describe('readRateReport', () => {
  it('reads RateLimit-Remaining, RateLimit-Reset and Organization-RateLimit-Limit', () => {
    const headers = new Headers({
      'ratelimit-remaining': '48',
      'ratelimit-reset': '50',
      'organization-ratelimit-limit': '600;w=60;b=600',
    });
    expect(readRateReport(headers)).toEqual({
      remaining: 48,
      resetMs: 50_000,
      limit: 600,
      intervalMs: 60_000,
      retryAfterMs: undefined,
    });
    expect(readRateReport(new Headers())).toBeUndefined();
    expect(readRateReport(new Headers(), 5_000)).toMatchObject({ retryAfterMs: 5_000 });
  });
});

const policy = { maxWaitMs: 1_000, maxQueued: 3, shareInFlight: true };
const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

/** What the queue tells an engine, as the engine hears it (`listenerOf`); every event is heard here. */
function recorded(): { events: PermitListener; seen: ZenotiAuthEvent[] } {
  const seen: ZenotiAuthEvent[] = [];
  return { events: listenerOf(new Emitter((e) => seen.push(e)), new MemoryRateBudget()), seen };
}

describe('PermitQueue: a fair, bounded wait for permits', () => {
  it('lets a call go at once, without a promise, while the budget has permits', async () => {
    const queue = permitQueueOf(new MemoryRateBudget({ limit: 2, intervalMs: 100 }));
    const { events } = recorded();
    expect(queue.acquire('resource', policy, events)).toBeUndefined();
    expect(queue.acquire('resource', policy, events)).toBeUndefined();
    const third = queue.acquire('resource', policy, events);
    expect(third).toBeInstanceOf(Promise);
    await third;
  });

  it('serves waiters first come first served, token calls first, when the window refills', async () => {
    const queue = permitQueueOf(new MemoryRateBudget({ limit: 1, intervalMs: 200 }));
    const { events, seen } = recorded();
    expect(queue.acquire('resource', policy, events)).toBeUndefined(); // spends the window
    const order: string[] = [];
    const waits = [
      queue.acquire('resource', policy, events)?.then(() => order.push('r1')),
      queue.acquire('resource', policy, events)?.then(() => order.push('r2')),
      queue.acquire('token', policy, events)?.then(() => order.push('t1')),
    ];
    await Promise.all(waits);
    expect(order).toEqual(['t1', 'r1', 'r2']);
    const waited = seen.filter((e) => e.type === 'rateLimit');
    expect(waited.map((e) => e.type === 'rateLimit' && e.queued)).toEqual([2, 1, 0]);
    expect(waited.every((e) => e.type === 'rateLimit' && (e.waitedMs ?? 0) >= 150)).toBe(true);
  });

  it('fails at once past maxWaitMs or maxQueued, with the time to wait; an abort ends one wait only', async () => {
    const queue = permitQueueOf(new MemoryRateBudget({ limit: 1, intervalMs: 5_000 }));
    const { events } = recorded();
    expect(queue.acquire('resource', policy, events)).toBeUndefined();
    await expect(queue.acquire('resource', policy, events)).rejects.toMatchObject({
      code: 'RATE_LIMITED',
      transient: true,
    });
    const patient = { maxWaitMs: 10_000, maxQueued: 2, shareInFlight: true };
    const aborted = new AbortController();
    const first = queue.acquire('resource', patient, events, aborted.signal);
    const second = queue.acquire('resource', patient, events);
    await expect(queue.acquire('resource', patient, events)).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    aborted.abort();
    await expect(first).rejects.toMatchObject({ code: 'ABORTED' });
    expect(queue.length).toBe(1);
    await Promise.race([second, sleep(50)]);
    expect(queue.length).toBe(1); // still waiting for the window, untouched by the abort
  });

  it('where promises die with their request (shareInFlight: false), each caller waits in its own request', async () => {
    const inner = new MemoryRateBudget({ limit: 1, intervalMs: 200 });
    // A remote budget (a Durable Object, Redis): it answers asynchronously.
    const remote: RateBudget = { take: async () => inner.take(), observe: async () => undefined };
    const queue = permitQueueOf(remote);
    const { events, seen } = recorded();
    const alone = { maxWaitMs: 2_000, maxQueued: 10, shareInFlight: false };
    const started = Date.now();
    await Promise.all(Array.from({ length: 3 }, () => queue.acquire('resource', alone, events)));
    // Three windows of one permit; nobody waited in a shared queue (which a request could take down with it).
    expect(Date.now() - started).toBeGreaterThanOrEqual(380);
    expect(queue.length).toBe(0);
    expect(seen.filter((e) => e.type === 'rateLimit')).toHaveLength(3);
    const hurried = { ...alone, maxWaitMs: 50 };
    await sleep(250); // a fresh window
    await queue.acquire('resource', hurried, events);
    await expect(queue.acquire('resource', hurried, events)).rejects.toMatchObject({ code: 'RATE_LIMITED' });
  });

  it('paces at its share of the limit while a shared budget of a fleet (fleetSize) is unreachable', async () => {
    const down: RateBudget = {
      take: async () => {
        throw new Error('ECONNREFUSED');
      },
      observe: async () => undefined,
      limit: 20,
      intervalMs: 60_000,
      fleetSize: 4,
    };
    const queue = permitQueueOf(down);
    const { events } = recorded();
    const outcomes: string[] = [];
    for (let i = 0; i < 8; i++)
      outcomes.push(
        await (queue.acquire('resource', { ...policy, maxWaitMs: 0 }, events) as Promise<void>).then(
          () => 'granted',
          (error: { code: string }) => error.code,
        ),
      );
    // 20 ÷ 4 per window, alone: four such processes together stay within the organisation's 20.
    expect(outcomes).toEqual([...Array(5).fill('granted'), ...Array(3).fill('RATE_LIMITED')]);
  });

  it('paces itself on a process budget while the shared one is unreachable, with one warning', async () => {
    let down = true;
    const shared = new MemoryRateBudget({ limit: 100 });
    const flaky: RateBudget = {
      take: async () => {
        if (down) throw new Error('ECONNREFUSED');
        return shared.take();
      },
      observe: async () => undefined,
    };
    const queue = permitQueueOf(flaky);
    const { events, seen } = recorded();
    for (let i = 0; i < 5; i++) await queue.acquire('resource', policy, events);
    expect(seen.filter((e) => e.type === 'warning')).toHaveLength(1);
    down = false;
    await sleep(1_050);
    await queue.acquire('resource', policy, events);
    expect(shared.take()).toBe(0); // the shared budget is asked again: it gave one permit before this
  });
});
