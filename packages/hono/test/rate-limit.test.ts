import type { RateLimitPolicy, ZenotiAuthEvent } from '@zenoti-auth/core';
import { MemoryRateBudget } from '@zenoti-auth/core/rate-budget';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { type ZenotiAuthEnv, zenotiAuth } from '../src/index.ts';
import { zenotiProxy } from '../src/proxy.ts';
import { listen } from './server.ts';
import { apiKeyOptions, zenoti } from './support.ts';

const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

/**
 * An app with both ways to Zenoti, on the demo API key with `rateLimit`: the proxy under
 * `/api/zenoti`, and `GET /centers`, whose handler calls `c.var.zenoti.fetch` with the request's signal.
 */
function rateLimitedApp(url: string, rateLimit: RateLimitPolicy, events: ZenotiAuthEvent[] = []) {
  const app = new Hono<ZenotiAuthEnv>();
  app.use('*', zenotiAuth({ ...apiKeyOptions(url), rateLimit, onEvent: (e) => events.push(e) }));
  app.all('/api/zenoti/*', zenotiProxy({ prefix: '/api/zenoti', allow: ['GET /v1/centers'] }));
  app.get('/centers', async (c) => {
    const res = await c.var.zenoti.fetch('/v1/centers', { signal: c.req.raw.signal });
    return c.json(await res.json(), res.status as 200);
  });
  return app;
}

describe.each([
  ['zenotiProxy()', '/api/zenoti/v1/centers'],
  ['c.var.zenoti.fetch', '/centers'],
])('%s with a rate budget (real HTTP, @hono/node-server)', (_, path) => {
  it("paces a burst beyond Zenoti's window limit: every answer 200, none 429 at Zenoti", async () => {
    const z = await zenoti({ rateLimit: { limit: 4, windowSeconds: 1 } });
    const events: ZenotiAuthEvent[] = [];
    const budget = new MemoryRateBudget({ limit: 4, intervalMs: 1_000 });
    const port = await listen(rateLimitedApp(z.url, { budget }, events));
    const started = Date.now();
    const statuses = await Promise.all(
      Array.from({ length: 10 }, async () => (await fetch(`http://127.0.0.1:${port}${path}`)).status),
    );
    const seconds = (Date.now() - started) / 1_000;
    expect(statuses).toEqual(Array(10).fill(200));
    expect(z.control.counters().resources.byStatus).toEqual({ '200': 10 });
    // 10 calls at 4 a window: three windows, so at least two refills.
    expect(seconds).toBeGreaterThanOrEqual(1.9);
    const waited = events.filter((e) => e.type === 'rateLimit' && e.waitedMs !== undefined);
    expect(waited).toHaveLength(6);
  });

  it('a client that disconnects while it waits ends its own wait only: the next in line takes its place', async () => {
    const z = await zenoti();
    const budget = new MemoryRateBudget({ limit: 1, intervalMs: 1_000 });
    const port = await listen(rateLimitedApp(z.url, { budget }));
    const get = (signal?: AbortSignal) => fetch(`http://127.0.0.1:${port}${path}`, signal ? { signal } : {});
    const started = Date.now();
    const first = get();
    await sleep(50);
    const leaving = new AbortController();
    const gone = get(leaving.signal).catch((error: unknown) => error);
    await sleep(50);
    const last = get();
    await sleep(100);
    leaving.abort(); // the socket closes: the server aborts that request's signal
    expect(await gone).toMatchObject({ name: 'AbortError' });
    expect((await first).status).toBe(200);
    expect((await last).status).toBe(200);
    // The last caller got the second window's permit, which the one who left would have had.
    expect(Date.now() - started).toBeLessThan(1_800);
    await sleep(100);
    expect(z.control.counters().resources.total).toBe(2);
  });

  it('a wait past maxWaitMs is answered 429 RATE_LIMITED with Retry-After, and nothing is sent to Zenoti', async () => {
    const z = await zenoti();
    const budget = new MemoryRateBudget({ limit: 1, intervalMs: 60_000 });
    const port = await listen(rateLimitedApp(z.url, { budget, maxWaitMs: 1_000 }));
    expect((await fetch(`http://127.0.0.1:${port}${path}`)).status).toBe(200);
    const res = await fetch(`http://127.0.0.1:${port}${path}`);
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(58);
    expect(await res.json()).toMatchObject({ error: { code: 'RATE_LIMITED' } });
    expect(z.control.counters().resources.total).toBe(1);
  });
});
