import {
  isZenotiAuthError,
  MemoryTokenStore,
  type RateLimitPolicy,
  ZenotiAuth,
  type ZenotiAuthError,
  type ZenotiAuthEvent,
} from '@zenoti-auth/core';
import { MemoryRateBudget } from '@zenoti-auth/core/rate-budget';
import axios, { type AxiosAdapter, type AxiosError, type AxiosInstance } from 'axios';
import { describe, expect, it } from 'vitest';
import { createZenotiAxios, ERR_ZENOTI_AUTH } from '../src/index.ts';
import { D, expectNoSecret, httpServer, rejection, serviceUser, TestClock, zenoti } from './support.ts';

const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

/** An axios instance with the demo API key and `rateLimit`; the engine's events are collected. */
function keyApi(url: string, rateLimit: RateLimitPolicy, adapter?: AxiosAdapter) {
  const events: ZenotiAuthEvent[] = [];
  const auth = new ZenotiAuth({ apiKey: D.apiKey, baseUrl: url, rateLimit, onEvent: (e) => events.push(e) });
  const api = createZenotiAxios(auth, adapter ? { adapter } : {});
  return { api, auth, events };
}

const statusOf = (api: AxiosInstance) => async (): Promise<number> => (await api.get('/v1/centers')).status;

/** The ZenotiAuthError an AxiosError carries as its cause (fails the test if there is none). */
function causeOf(error: AxiosError): ZenotiAuthError {
  if (!isZenotiAuthError(error.cause)) throw new Error('expected a ZenotiAuthError as cause');
  return error.cause;
}

/** The permit waits that `rateLimit` events reported (`queued`, `waitedMs`). */
const waits = (events: ZenotiAuthEvent[]) =>
  events.filter((e) => e.type === 'rateLimit' && e.waitedMs !== undefined);

describe('requests take a permit of the rate budget before they go', () => {
  it("paces a burst beyond Zenoti's window limit: every call 200, no 429 at Zenoti, one window after another", async () => {
    const z = await zenoti({ rateLimit: { limit: 5, windowSeconds: 1 } });
    const budget = new MemoryRateBudget({ limit: 5, intervalMs: 1_000 });
    const { api, events } = keyApi(z.url, { budget });
    const started = Date.now();
    const statuses = await Promise.all(Array.from({ length: 12 }, statusOf(api)));
    const seconds = (Date.now() - started) / 1_000;
    expect(statuses).toEqual(Array(12).fill(200));
    expect(z.control.counters().resources.byStatus['429']).toBeUndefined();
    // 12 calls at 5 a window: three windows, so at least two refills.
    expect(seconds).toBeGreaterThanOrEqual(1.9);
    // The seven that waited were told how long, and how many still waited behind them.
    const waited = waits(events);
    expect(waited).toHaveLength(7);
    expect(Math.max(...waited.map((e) => (e.type === 'rateLimit' && e.queued) || 0))).toBeGreaterThan(0);
  });

  it('a request whose wait would pass maxWaitMs fails at once with RATE_LIMITED and is never sent', async () => {
    const z = await zenoti();
    const budget = new MemoryRateBudget({ limit: 1, intervalMs: 60_000 });
    const { api } = keyApi(z.url, { budget, maxWaitMs: 1_000 });
    expect((await api.get('/v1/centers')).status).toBe(200);
    const started = Date.now();
    const error = await rejection(api.get('/v1/centers'));
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(error.code).toBe(ERR_ZENOTI_AUTH);
    expect(error.message).toMatch(/^\[@zenoti-auth\/axios\] RATE_LIMITED: /);
    expect(causeOf(error).code).toBe('RATE_LIMITED');
    expect(causeOf(error).retryAfterMs).toBeGreaterThan(58_000);
    expect(error.response).toBeUndefined();
    // Refused its permit, the request never read its credential (permit first, token second).
    expect(error.config?.headers.Authorization).toBeUndefined();
    expectNoSecret(error);
    expect(z.control.counters().resources.total).toBe(1);
  });

  it('past maxQueued waiting requests the next one fails at once with RATE_LIMITED; the queued are served', async () => {
    const z = await zenoti();
    const budget = new MemoryRateBudget({ limit: 1, intervalMs: 300 });
    const { api } = keyApi(z.url, { budget, maxQueued: 2 });
    const served = [api.get('/v1/centers'), api.get('/v1/centers'), api.get('/v1/centers')];
    const error = await rejection(api.get('/v1/centers'));
    expect(causeOf(error).code).toBe('RATE_LIMITED');
    expect(causeOf(error).retryAfterMs).toBeGreaterThan(0);
    expect((await Promise.all(served)).map((r) => r.status)).toEqual([200, 200, 200]);
    expect(z.control.counters().resources.total).toBe(3);
  });

  it("a request's AbortSignal ends its own wait only (CanceledError, ABORTED); the others are served", async () => {
    const z = await zenoti();
    const budget = new MemoryRateBudget({ limit: 1, intervalMs: 300 });
    const { api } = keyApi(z.url, { budget });
    const controller = new AbortController();
    const first = api.get('/v1/centers');
    const aborted = rejection(api.get('/v1/centers', { signal: controller.signal }));
    const last = api.get('/v1/centers');
    await sleep(50);
    controller.abort();
    const error = await aborted;
    expect(axios.isCancel(error)).toBe(true);
    expect(causeOf(error).code).toBe('ABORTED');
    expect([(await first).status, (await last).status]).toEqual([200, 200]);
    expect(z.control.counters().resources.total).toBe(2);
  });

  it('with a permit at hand the API-key request still goes out in the same tick; one that must wait is held', async () => {
    const z = await zenoti();
    const sent: number[] = [];
    const http = axios.getAdapter('http');
    const adapter: AxiosAdapter = (config) => {
      sent.push(Date.now());
      return http(config);
    };
    const budget = new MemoryRateBudget({ limit: 1, intervalMs: 400 });
    const { api } = keyApi(z.url, { budget }, adapter);
    const started = Date.now();
    const first = api.get('/v1/centers');
    expect(sent).toHaveLength(1); // before the first await: the interceptor ran synchronously
    const second = api.get('/v1/centers');
    expect(sent).toHaveLength(1); // no permit left: held back
    expect([(await first).status, (await second).status]).toEqual([200, 200]);
    expect((sent[1] as number) - started).toBeGreaterThanOrEqual(350);
  });

  it('the retry after a 401 waits for a permit of its own', async () => {
    const z = await zenoti();
    const events: ZenotiAuthEvent[] = [];
    const budget = new MemoryRateBudget({ limit: 3, intervalMs: 600 });
    const auth = new ZenotiAuth(
      serviceUser(z.url, { rateLimit: { budget }, onEvent: (e) => events.push(e) }),
    );
    const api = createZenotiAxios(auth);
    const started = Date.now();
    await auth.authorization(); // the token call: the window's first permit
    z.control.injectFault('resource', { kind: 'status', status: 401 }, 1);
    // The request (second permit) gets 401, the new token takes the third: the retry waits for the next window.
    const res = await api.get('/v1/centers');
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(550);
    expect(z.control.counters().token.total).toBe(2);
    expect(z.control.counters().resources).toMatchObject({ faulted: 1, byStatus: { '200': 1 } });
    expect(waits(events)).toHaveLength(1);
  });
});

describe('permit before token', () => {
  it('a request reads its token once its permit is granted: a refresh during the wait kills nothing it sends', async () => {
    const clock = new TestClock();
    const z = await zenoti({ now: clock.now, accessTokenTtlMs: 3_600_000 });
    const budget = new MemoryRateBudget({ limit: 1, intervalMs: 400 });
    const store = new MemoryTokenStore();
    const auth = new ZenotiAuth(serviceUser(z.url, { now: clock.now, store, rateLimit: { budget } }));
    const other = new ZenotiAuth(serviceUser(z.url, { now: clock.now, store, rateLimit: false }));
    const api = createZenotiAxios(auth);
    await auth.authorization(); // the token call spends the window's only permit
    const waiting = api.get('/v1/centers'); // waits ~400 ms for its permit
    await sleep(50);
    clock.advance(56 * 60_000); // in the refresh window
    await other.authorization(); // the refresh kills the token the request would have read
    expect(z.control.counters().token.refresh.ok).toBe(1);
    const res = await waiting;
    expect(res.status).toBe(200);
    expect(z.control.counters().resources.deadToken).toBe(0); // it went with the live token
    expect(z.control.counters().resources.byStatus).toEqual({ '200': 1 });
  });
});

describe("Zenoti's rate-limit headers reach the budget", () => {
  it('a 429 with Retry-After pauses the budget: the next request waits it out', async () => {
    const z = await zenoti();
    const budget = new MemoryRateBudget({ limit: 100, intervalMs: 60_000 });
    const { api, events } = keyApi(z.url, { budget });
    z.control.injectFault('resource', { kind: 'status', status: 429, headers: { 'retry-after': '1' } }, 1);
    const limited = await rejection(api.get('/v1/centers'));
    expect(limited.response?.status).toBe(429); // the adapter does not retry a 429: the caller sees it
    expect(events).toContainEqual(expect.objectContaining({ type: 'rateLimit', retryAfterMs: 1_000 }));
    const started = Date.now();
    expect((await api.get('/v1/centers')).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it('follows the window Zenoti reports on a success (RateLimit-Remaining, RateLimit-Reset)', async () => {
    const z = await zenoti();
    const budget = new MemoryRateBudget({ limit: 100, intervalMs: 60_000 });
    const { api, events } = keyApi(z.url, { budget });
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
    expect((await api.get('/v1/centers')).status).toBe(200);
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'rateLimit', remaining: 0, resetSeconds: 1 }),
    );
    const started = Date.now();
    expect((await api.get('/v1/centers')).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it('requests to other origins and with zenoti.skip take no permit; rate headers from other origins are ignored', async () => {
    const z = await zenoti();
    const other = await httpServer((_req, res) => {
      res.writeHead(429, { 'retry-after': '30', 'ratelimit-remaining': '0', 'ratelimit-reset': '30' });
      res.end();
    });
    const budget = new MemoryRateBudget({ limit: 1, intervalMs: 60_000 });
    const { api, events } = keyApi(z.url, { budget, maxWaitMs: 1_000 });
    for (let i = 0; i < 3; i++)
      expect((await rejection(api.get(`${other.url}/x`))).response?.status).toBe(429);
    expect(events).toEqual([]);
    const skipped = await rejection(api.get('/v1/centers', { zenoti: { skip: true } }));
    expect(skipped.response?.status).toBe(401); // sent without a credential, and without a permit
    expect((await api.get('/v1/centers')).status).toBe(200); // the budget's one permit was still there
  });
});
