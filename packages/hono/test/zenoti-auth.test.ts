import { type ZenotiAuth, ZenotiAuthError } from '@zenoti-auth/core';
import { Hono } from 'hono';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type ZenotiAuthEnv, zenotiAuth } from '../src/index.ts';
import { apiKeyOptions, D, guestApp, serviceUser, WatchedStore, zenoti } from './support.ts';

afterEach(() => {
  vi.unstubAllGlobals();
});

/** An app whose GET /centers answers Zenoti's status and the number of centres. */
function centersApp(middleware: ReturnType<typeof zenotiAuth>): Hono<ZenotiAuthEnv> {
  const app = new Hono<ZenotiAuthEnv>();
  app.use(middleware);
  app.get('/centers', async (c) => {
    const res = await c.var.zenoti.fetch('/v1/centers');
    const body = (await res.json()) as { centers: unknown[] };
    return c.json({
      status: res.status,
      count: body.centers.length,
      principal: c.var.zenoti.principal ?? null,
    });
  });
  return app;
}

describe('zenotiAuth() through app.request()', () => {
  it('calls Zenoti with the API key in API-key mode', async () => {
    const z = await zenoti();
    const res = await centersApp(zenotiAuth(apiKeyOptions(z.url))).request('/centers');
    expect(await res.json()).toEqual({ status: 200, count: 3, principal: null });
    expect(z.control.requests().at(-1)?.authorization).toBe(`apikey …${D.apiKey.slice(-4)}`);
    expect(z.control.counters().token.total).toBe(0);
  });

  it('mints one token for the service user in token mode and reuses it', async () => {
    const z = await zenoti();
    const app = centersApp(zenotiAuth(serviceUser(z.url)));
    for (let i = 0; i < 3; i++) expect((await (await app.request('/centers')).json()).status).toBe(200);
    expect(z.control.counters().token.password.ok).toBe(1);
    expect(z.control.requests().at(-1)?.authorization).toMatch(/^bearer …/);
  });

  it('gives authorization() for the request principal', async () => {
    const z = await zenoti();
    const app = new Hono<ZenotiAuthEnv>();
    app.use(zenotiAuth(serviceUser(z.url)));
    app.get('/header', async (c) => c.text((await c.var.zenoti.authorization()).split(' ')[0] as string));
    expect(await (await app.request('/header')).text()).toBe('bearer');
  });

  it('reads options from c.env (the third argument of app.request, as on Workers)', async () => {
    const z = await zenoti();
    type Bindings = { ZENOTI_BASE_URL: string; ZENOTI_API_KEY: string };
    type AppEnv = ZenotiAuthEnv & { Bindings: Bindings };
    const app = new Hono<AppEnv>();
    app.use(zenotiAuth<AppEnv>((c) => ({ baseUrl: c.env.ZENOTI_BASE_URL, apiKey: c.env.ZENOTI_API_KEY })));
    app.get('/centers', async (c) => c.text(String((await c.var.zenoti.fetch('/v1/centers')).status)));
    const env: Bindings = { ZENOTI_BASE_URL: z.url, ZENOTI_API_KEY: D.apiKey };
    expect(await (await app.request('/centers', {}, env)).text()).toBe('200');
    const other = { ZENOTI_BASE_URL: z.url, ZENOTI_API_KEY: D.other.apiKey };
    expect(await (await app.request('/centers', {}, other)).text()).toBe('200');
    expect(z.control.requests().map((r) => r.authorization)).toEqual([
      `apikey …${D.apiKey.slice(-4)}`,
      `apikey …${D.other.apiKey.slice(-4)}`,
    ]);
  });

  it('keeps one engine per identity: 50 requests with env options → 1 token call, the same instance', async () => {
    const z = await zenoti();
    type AppEnv = ZenotiAuthEnv & { Bindings: { ZENOTI_BASE_URL: string; ZENOTI_PASSWORD: string } };
    const store = new WatchedStore();
    const app = new Hono<AppEnv>();
    app.use(
      zenotiAuth<AppEnv>((c) => ({
        baseUrl: c.env.ZENOTI_BASE_URL,
        app: { accountName: D.accountName, ...D.employeeApp },
        user: { username: D.employee.username, password: c.env.ZENOTI_PASSWORD },
        store,
      })),
    );
    const engines = new Set<ZenotiAuth>();
    app.get('/centers', async (c) => {
      engines.add(c.var.zenoti.auth);
      return c.text(String((await c.var.zenoti.fetch('/v1/centers')).status));
    });
    const env = { ZENOTI_BASE_URL: z.url, ZENOTI_PASSWORD: D.employee.password };
    const first = await Promise.all(
      Array.from({ length: 25 }, () => app.request('/centers', {}, { ...env })),
    );
    const second = await Promise.all(
      Array.from({ length: 25 }, () => app.request('/centers', {}, { ...env })),
    );
    for (const res of [...first, ...second]) expect(await res.text()).toBe('200');
    expect(engines.size).toBe(1);
    expect(z.control.counters().token.total).toBe(1);
    expect(z.control.counters().resources.byStatus['200']).toBe(50);
  });

  it('bounds the engine cache: the least recently used of 101 identities is rebuilt', async () => {
    type AppEnv = ZenotiAuthEnv & { Bindings: { KEY: string } };
    const app = new Hono<AppEnv>();
    app.use(zenotiAuth<AppEnv>((c) => ({ baseUrl: 'http://127.0.0.1:9', apiKey: c.env.KEY })));
    const first = new Map<string, ZenotiAuth>();
    let last: ZenotiAuth | undefined;
    app.get('/', (c) => {
      last = c.var.zenoti.auth;
      if (!first.has(c.env.KEY)) first.set(c.env.KEY, last);
      return c.text('ok');
    });
    const keys = Array.from({ length: 101 }, (_, i) => `cache-test-key-${String(i).padStart(3, '0')}`);
    for (const KEY of keys) await app.request('/', {}, { KEY });
    expect(first.size).toBe(101);
    await app.request('/', {}, { KEY: keys[100] as string });
    expect(last).toBe(first.get(keys[100] as string)); // recently used: kept
    await app.request('/', {}, { KEY: keys[0] as string });
    expect(last).not.toBe(first.get(keys[0] as string)); // least recently used: dropped, rebuilt
  });

  it('uses the principal resolver: an end user calls with their own token', async () => {
    const z = await zenoti();
    const options = guestApp(z.url);
    const app = new Hono<ZenotiAuthEnv>();
    app.use(zenotiAuth({ ...options, principal: (c) => c.req.header('x-session') }));
    const alice = D.guests[0];
    let principal = '';
    app.post('/login', async (c) => {
      principal = (await c.var.zenoti.auth.login({ username: alice.username, password: alice.password }))
        .principal;
      return c.body(null, 204);
    });
    app.get('/me', async (c) => {
      const res = await c.var.zenoti.fetch(`/v1/guests/${alice.guestId}`);
      return c.json({ status: res.status, principal: c.var.zenoti.principal });
    });
    await app.request('/login', { method: 'POST' });
    expect(await (await app.request('/me', { headers: { 'x-session': principal } })).json()).toEqual({
      status: 200,
      principal,
    });
    // No principal, no service user: LOGIN_REQUIRED → 401.
    const anonymous = await app.request('/me');
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toEqual({
      error: {
        code: 'LOGIN_REQUIRED',
        message: 'Sign-in required: the Zenoti session has ended or never began.',
      },
    });
  });

  it('accepts a ready engine', async () => {
    const z = await zenoti();
    const { ZenotiAuth: Engine } = await import('@zenoti-auth/core');
    const auth = new Engine(apiKeyOptions(z.url));
    const app = new Hono<ZenotiAuthEnv>();
    app.use(zenotiAuth({ auth }));
    app.get('/', (c) => c.text(String(c.var.zenoti.auth === auth)));
    expect(await (await app.request('/')).text()).toBe('true');
  });
});

describe('configuration mistakes', () => {
  it('throw INVALID_OPTIONS at start-up, naming the field', () => {
    const bad = [
      [{ apiKey: '' }, 'apiKey'],
      [{ baseUrl: 'http://zenoti.example.com', apiKey: D.apiKey }, 'baseUrl'],
      [{ app: { accountName: 'a', appId: 'b' } }, 'app.appSecret'],
      [{ apiKey: D.apiKey, principal: 'alice' }, 'principal'],
      [{ auth: {} }, 'auth'],
      [null, 'options'],
    ] as const;
    for (const [options, field] of bad) {
      let error: unknown;
      try {
        zenotiAuth(options as never);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ZenotiAuthError);
      expect(error).toMatchObject({ code: 'INVALID_OPTIONS', field });
    }
  });

  it('answer 500 without details when a resolver returns bad options at request time', async () => {
    const app = new Hono<ZenotiAuthEnv>();
    app.use(zenotiAuth(() => ({ apiKey: 'has whitespace' })));
    app.get('/', (c) => c.text('unreachable'));
    const res = await app.request('/');
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({
      error: { code: 'INVALID_OPTIONS', message: 'The Zenoti integration is misconfigured.' },
    });
  });
});

describe('Cloudflare Workers detection', () => {
  /** Counts store reads while 20 requests wait for one slow token call: polling reads far more often. */
  async function storeReadsDuringSlowRefresh(extra: { shareInFlight?: boolean }): Promise<number> {
    const z = await zenoti();
    z.control.setLatency(300, 'token');
    const store = new WatchedStore();
    const app = new Hono<ZenotiAuthEnv>();
    app.use(zenotiAuth(serviceUser(z.url, { store, ...extra })));
    app.get('/', async (c) => c.text(await c.var.zenoti.authorization()));
    const answers = await Promise.all(Array.from({ length: 20 }, () => app.request('/')));
    expect(new Set(await Promise.all(answers.map((r) => r.text()))).size).toBe(1);
    expect(z.control.counters().token.total).toBe(1);
    return store.gets;
  }

  it('polls settled state (shareInFlight: false) when navigator.userAgent is Cloudflare-Workers', async () => {
    const onNode = await storeReadsDuringSlowRefresh({});
    vi.stubGlobal('navigator', { userAgent: 'Cloudflare-Workers' });
    const onWorkers = await storeReadsDuringSlowRefresh({});
    expect(onNode).toBeLessThan(60);
    expect(onWorkers).toBeGreaterThan(150); // 19 waiters × ~15 polls over 300 ms
  });

  it('keeps an explicit shareInFlight: true on Workers', async () => {
    vi.stubGlobal('navigator', { userAgent: 'Cloudflare-Workers' });
    expect(await storeReadsDuringSlowRefresh({ shareInFlight: true })).toBeLessThan(60);
  });
});
