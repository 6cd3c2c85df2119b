import { ZenotiAuth, ZenotiAuthError, type ZenotiAuthOptions } from '@zenoti-auth/core';
import { MemoryRateBudget } from '@zenoti-auth/core/rate-budget';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { type ZenotiAuthEnv, type ZenotiAuthMiddlewareOptions, zenotiAuth } from '../src/index.ts';
import { type ZenotiProxyOptions, zenotiProxy } from '../src/proxy.ts';
import { listen, type RawAnswer, rawRequest } from './server.ts';
import { apiKeyOptions, D, guestApp, zenoti } from './support.ts';

const MAX_WAIT_MS = 3_000;

/**
 * The proxy over a real socket, on the demo API key with a small rate budget: 10 calls a 500 ms
 * window, waits up to `MAX_WAIT_MS` for a permit.
 */
async function budgetedProxy(proxy: Partial<ZenotiProxyOptions> = {}) {
  const z = await zenoti();
  const budget = new MemoryRateBudget({ limit: 10, intervalMs: 500 });
  const app = new Hono<ZenotiAuthEnv>();
  app.use('*', zenotiAuth({ ...apiKeyOptions(z.url), rateLimit: { budget, maxWaitMs: MAX_WAIT_MS } }));
  app.all('/api/zenoti/*', zenotiProxy({ prefix: '/api/zenoti', allow: ['GET /v1/centers'], ...proxy }));
  return { z, port: await listen(app) };
}

/** Client A (127.0.0.1) fires 100 requests at once; then client B (127.0.0.2) one. B's answer and wait. */
async function burstThenOne(port: number) {
  const get = (localAddress: string) =>
    rawRequest(port, '/api/zenoti/v1/centers?size=1', { localAddress }).catch((error: Error) => error);
  const burst = Array.from({ length: 100 }, () => get('127.0.0.1'));
  await new Promise((resolve) => setTimeout(resolve, 200)); // A's requests are in, the window spent
  const started = Date.now();
  const b = await get('127.0.0.2');
  const waitedMs = Date.now() - started;
  const a = (await Promise.all(burst)) as RawAnswer[];
  return { a, b: b as RawAnswer, waitedMs };
}

/** A fetch for the engine that holds every call for a resource (not for a token) until `open()`. */
function heldFetch() {
  let open: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  let held = 0;
  const hold: typeof fetch = async (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    if (url.includes('/v1/centers')) {
      held++;
      await gate;
    }
    return fetch(input, init);
  };
  return { fetch: hold, open, held: () => held };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('zenotiProxy(): each client has its fair share of the rate budget', () => {
  it("one client's 100 parallel requests do not make another client wait its whole maxWaitMs", async () => {
    const { z, port } = await budgetedProxy();
    const { a, b, waitedMs } = await burstThenOne(port);
    console.log(`fair share on: client B waited ${waitedMs} ms of its ${MAX_WAIT_MS} ms (A: 100 at once)`);
    // B queued behind 8 of A's at most: within the next window, not behind the whole burst.
    expect(b.status).toBe(200);
    expect(waitedMs).toBeLessThan(MAX_WAIT_MS / 3);
    // A: 8 at a time went through; the rest was refused at once, before any call to Zenoti.
    const served = a.filter((answer) => answer.status === 200);
    const refused = a.filter((answer) => answer.status === 429);
    console.log(`A: ${served.length} answered 200, ${refused.length} refused 429`);
    expect(served.length + refused.length).toBe(100);
    expect(refused.length).toBeGreaterThanOrEqual(50);
    expect(refused.every((answer) => answer.headers['retry-after'] === '1')).toBe(true);
    for (const answer of refused)
      expect(JSON.parse(answer.body)).toMatchObject({ error: { code: 'TOO_MANY_REQUESTS' } });
    expect(z.control.counters().resources.total).toBe(served.length + 1);
  });

  it('with fairShare: false, B waits behind the whole burst and is refused (as before the share)', async () => {
    const { port } = await budgetedProxy({ fairShare: false });
    const { a, b, waitedMs } = await burstThenOne(port);
    console.log(
      `fair share off: client B answered ${b.status} after ${waitedMs} ms of its ${MAX_WAIT_MS} ms`,
    );
    expect(b.status).toBe(429);
    expect(JSON.parse(b.body)).toMatchObject({ error: { code: 'RATE_LIMITED' } });
    expect(waitedMs).toBeGreaterThanOrEqual(MAX_WAIT_MS / 2);
    expect(a.filter((answer) => answer.status === 200).length).toBeGreaterThan(8);
  });
});

describe('zenotiProxy(): fairShare keys and bounds', () => {
  async function heldApp(auth: ZenotiAuthMiddlewareOptions, proxy: Partial<ZenotiProxyOptions>) {
    const warnings: string[] = [];
    const app = new Hono<ZenotiAuthEnv>();
    app.use('*', zenotiAuth(auth));
    app.all(
      '/api/zenoti/*',
      zenotiProxy({
        prefix: '/api/zenoti',
        allow: ['GET /v1/centers'],
        onWarning: (message) => warnings.push(message),
        ...proxy,
      }),
    );
    return { app, warnings };
  }

  it('keys a signed-in request by its principal: one user at its share does not hold back another', async () => {
    const z = await zenoti();
    const held = heldFetch();
    const auth = new ZenotiAuth(guestApp(z.url, { fetch: held.fetch }));
    const [alice, bob] = await Promise.all(
      D.guests.map(async (g) => (await auth.login({ username: g.username, password: g.password })).principal),
    );
    const { app, warnings } = await heldApp(
      { auth, principal: (c) => (c.req.header('x-user') === 'bob' ? bob : alice) },
      { fairShare: { perClient: 1 } },
    );
    const as = (user: string) => app.request('/api/zenoti/v1/centers', { headers: { 'x-user': user } });
    const aliceFirst = as('alice');
    while (held.held() < 1) await tick();
    expect((await as('alice')).status).toBe(429); // the same principal, at its share
    const bobFirst = as('bob'); // the same address (none here), another principal: its own share
    while (held.held() < 2) await tick();
    held.open();
    expect((await aliceFirst).status).toBe(200);
    expect((await bobFirst).status).toBe(200);
    expect(warnings).toEqual([]); // a principal is enough: no address needed
  });

  it('refuses a new client past maxClients while the others are in flight, never dropping a live one', async () => {
    const z = await zenoti();
    const held = heldFetch();
    const { app } = await heldApp({ ...apiKeyOptions(z.url), fetch: held.fetch } as ZenotiAuthOptions, {
      fairShare: { perClient: 1, maxClients: 2 },
      clientAddress: (c) => c.req.header('x-test-client'),
    });
    const as = (client: string) =>
      app.request('/api/zenoti/v1/centers', { headers: { 'x-test-client': client } });
    const first = as('a');
    const second = as('b');
    while (held.held() < 2) await tick();
    const third = await as('c'); // a third client: no room while a and b are in flight
    expect(third.status).toBe(429);
    const again = await as('a'); // a's one slot is taken
    expect(again.status).toBe(429);
    held.open();
    expect((await first).status).toBe(200);
    expect((await second).status).toBe(200);
    expect((await as('c')).status).toBe(200); // slots given back: c has room now
    expect(z.control.counters().resources.total).toBe(3);
  });

  it('does not limit a request with neither principal nor client address, and says so once', async () => {
    const z = await zenoti();
    const { app, warnings } = await heldApp(apiKeyOptions(z.url), { fairShare: { perClient: 1 } });
    const answers = await Promise.all(Array.from({ length: 3 }, () => app.request('/api/zenoti/v1/centers')));
    expect(answers.map((res) => res.status)).toEqual([200, 200, 200]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('set clientAddress');
  });

  it('rejects bad fairShare, clientAddress and onWarning options at start-up', () => {
    const bad: Array<[Partial<ZenotiProxyOptions>, string]> = [
      [{ fairShare: 8 as never }, 'fairShare'],
      [{ fairShare: { perClient: 0 } }, 'fairShare.perClient'],
      [{ fairShare: { perClient: 1.5 } }, 'fairShare.perClient'],
      [{ fairShare: { maxClients: -1 } }, 'fairShare.maxClients'],
      [{ clientAddress: 'x-real-ip' as never }, 'clientAddress'],
      [{ onWarning: true as never }, 'onWarning'],
    ];
    for (const [options, field] of bad) {
      let error: unknown;
      try {
        zenotiProxy({ allow: ['GET /v1/centers'], ...options });
      } catch (e) {
        error = e;
      }
      expect(error, field).toBeInstanceOf(ZenotiAuthError);
      expect(error).toMatchObject({ code: 'INVALID_OPTIONS', field });
    }
  });
});
