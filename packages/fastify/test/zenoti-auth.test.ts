import { MemoryTokenStore, type TokenStore, ZenotiAuth, ZenotiAuthError } from '@zenoti-auth/core';
import type { FastifyInstance } from 'fastify';
import { describe, expect, it, vi } from 'vitest';
import { type ZenotiAuthPluginOptions, zenotiAuth, zenotiErrorHandler } from '../src/index.ts';
import {
  apiKeyOptions,
  callsTo,
  D,
  fastify,
  guestApp,
  listen,
  SECRETS,
  serviceUser,
  zenoti,
} from './support.ts';

/** Registers zenotiAuth on `app` with GET /centers (Zenoti's status and body) and GET /header (the scheme). */
async function centresRoutes(app: FastifyInstance, options: ZenotiAuthPluginOptions): Promise<void> {
  await app.register(zenotiAuth, options);
  app.setErrorHandler(zenotiErrorHandler({ onError: () => undefined }));
  app.get('/centers', async (request, reply) => {
    const answer = await request.zenoti.fetch('/v1/centers');
    return reply.code(answer.status).send(await answer.json());
  });
  app.get('/header', async (request) => (await request.zenoti.authorization()).split(' ')[0]);
}

describe('zenotiAuth (real HTTP)', () => {
  it('decorates request.zenoti: fetch sends the API key, authorization() gives its header', async () => {
    const z = await zenoti();
    const app = fastify();
    await centresRoutes(app, apiKeyOptions(z.url));
    const url = await listen(app);
    const res = await fetch(`${url}/centers`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { centers: unknown[] }).centers).toHaveLength(3);
    expect(await (await fetch(`${url}/header`)).text()).toBe('apikey');
    expect(callsTo(z.control)).toEqual([`apikey …${D.apiKey.slice(-4)}`]);
  });

  it('with a service user, one token serves every request (one password grant for 20 at once)', async () => {
    const z = await zenoti();
    const app = fastify();
    await centresRoutes(app, serviceUser(z.url));
    const url = await listen(app);
    const statuses = await Promise.all(
      Array.from({ length: 20 }, async () => (await fetch(`${url}/centers`)).status),
    );
    expect(new Set(statuses)).toEqual(new Set([200]));
    expect(z.control.counters().token.total).toBe(1);
    expect(new Set(callsTo(z.control))).toEqual(new Set([expect.stringMatching(/^bearer …/)]));
  });

  it("binds each request's principal: the guest's own token, and no call at all without a session", async () => {
    const z = await zenoti();
    const auth = new ZenotiAuth(guestApp(z.url));
    const [guest] = D.guests;
    const { principal } = await auth.login({ username: guest.username, password: guest.password });
    const tokenCalls = z.control.counters().token.total;
    const app = fastify();
    await centresRoutes(app, {
      auth,
      principal: (request) => request.headers['x-session'] as string | undefined,
    });
    const url = await listen(app);

    const signedIn = await fetch(`${url}/centers`, { headers: { 'x-session': principal } });
    expect(signedIn.status).toBe(200);
    expect(callsTo(z.control)).toEqual([expect.stringMatching(/^bearer …/)]);
    for (const headers of [{}, { 'x-session': '' }]) {
      const refused = await fetch(`${url}/centers`, { headers });
      expect(refused.status).toBe(401);
      expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('LOGIN_REQUIRED');
    }
    expect((await fetch(`${url}/header`)).status).toBe(401);
    expect(callsTo(z.control)).toHaveLength(1);
    expect(z.control.counters().token.total).toBe(tokenCalls);
  });

  it("principalFallback: 'service-user' sends an anonymous request with the app's own credential", async () => {
    const z = await zenoti();
    const app = fastify();
    await centresRoutes(app, {
      ...apiKeyOptions(z.url),
      principal: () => undefined,
      principalFallback: 'service-user',
    });
    const url = await listen(app);
    expect((await fetch(`${url}/centers`)).status).toBe(200);
    expect(callsTo(z.control)).toEqual([`apikey …${D.apiKey.slice(-4)}`]);
  });

  it('resolve: options per request, one cached engine per credential identity, tenants kept apart', async () => {
    const z = await zenoti();
    const stores = { demo: new MemoryTokenStore(), other: new MemoryTokenStore() };
    const built: string[] = [];
    const app = fastify();
    await centresRoutes(app, {
      resolve: (request) => {
        const tenant = request.headers['x-tenant'] === 'other' ? 'other' : 'demo';
        built.push(tenant);
        return tenant === 'other'
          ? { baseUrl: z.url, apiKey: D.other.apiKey, store: stores.other }
          : { ...serviceUser(z.url), store: stores.demo };
      },
    });
    const url = await listen(app);
    const get = async (tenant: string) =>
      (await fetch(`${url}/header`, { headers: { 'x-tenant': tenant } })).text();
    const schemes = await Promise.all([...Array(10).fill('demo'), ...Array(5).fill('other')].map(get));
    expect(schemes).toEqual([...Array(10).fill('bearer'), ...Array(5).fill('apikey')]);
    expect(built).toHaveLength(15); // the resolver runs per request …
    expect(z.control.counters().token.total).toBe(1); // … the engine (and its token) does not
  });

  it("a resolver's bad options are a 500 INVALID_OPTIONS through the error handler, naming no secret", async () => {
    const z = await zenoti();
    const logged: string[] = [];
    const app = fastify();
    await app.register(zenotiAuth, {
      resolve: () =>
        ({
          baseUrl: z.url,
          apiKey: D.apiKey,
          app: { accountName: 'x', appId: 'y', appSecret: D.employeeApp.appSecret },
        }) as never,
    });
    app.setErrorHandler(zenotiErrorHandler({ onError: (e) => logged.push(`${e.code} ${e.field}`) }));
    app.get('/header', async (request) => request.zenoti.authorization());
    const res = await fetch(`${await listen(app)}/header`);
    const text = await res.text();
    expect(res.status).toBe(500);
    expect(JSON.parse(text)).toEqual({
      error: { code: 'INVALID_OPTIONS', message: 'The Zenoti integration is misconfigured.' },
    });
    expect(logged).toEqual(['INVALID_OPTIONS app']);
    for (const secret of SECRETS) expect(text).not.toContain(secret);
  });

  it('a configuration mistake fails app.ready() with INVALID_OPTIONS naming the field', async () => {
    const cases: Array<[unknown, string]> = [
      [{ apiKey: D.apiKey, app: { accountName: 'a', appId: 'b', appSecret: 'c' } }, 'app'],
      [{ apiKey: D.apiKey, principal: 'alice' }, 'principal'],
      [{ apiKey: D.apiKey, principalFallback: 'anyone' }, 'principalFallback'],
      [{ apiKey: D.apiKey, onWarning: 'log' }, 'onWarning'],
      [{ auth: {} }, 'auth'],
      [{ resolve: 'tenant' }, 'resolve'],
      [{ apiKey: D.apiKey, prefix: '/api' }, 'prefix'],
      [{ apiKey: D.apiKey, baseURL: 'https://api.zenoti.com' }, 'baseURL'],
    ];
    for (const [options, field] of cases) {
      const app = fastify();
      app.register(zenotiAuth, options as ZenotiAuthPluginOptions);
      const error = await app.ready().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error, field).toMatchObject({ name: 'ZenotiAuthError', code: 'INVALID_OPTIONS', field });
      expect(String((error as Error).message)).not.toContain(D.apiKey);
    }
  });

  it("takes Fastify's own register options (logLevel) without passing them to core", async () => {
    const z = await zenoti();
    const app = fastify();
    await app.register(zenotiAuth, { ...apiKeyOptions(z.url), logLevel: 'warn' });
    app.get('/header', async (request) => (await request.zenoti.authorization()).split(' ')[0]);
    expect(await (await fetch(`${await listen(app)}/header`)).text()).toBe('apikey');
  });

  it("hands the engine's warnings to onWarning, not the console, never a secret", async () => {
    const z = await zenoti();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    // A shared store (as Redis is) whose every command fails while `down`.
    const sets = new MemoryTokenStore();
    let down = false;
    const check = (): void => {
      if (down)
        throw new ZenotiAuthError('STORE', '[@zenoti-auth/test] Test store GET failed: ECONNREFUSED.');
    };
    const store: TokenStore = {
      local: false,
      get(key) {
        check();
        return sets.get(key);
      },
      set(key, set, ttlMs) {
        check();
        sets.set(key, set, ttlMs);
      },
      delete(key, version) {
        check();
        sets.delete(key, version);
      },
    };
    const warnings: string[] = [];
    const app = fastify();
    await centresRoutes(app, { ...serviceUser(z.url), store, onWarning: (m) => warnings.push(m) });
    const url = await listen(app);
    expect((await fetch(`${url}/centers`)).status).toBe(200);
    down = true;
    expect((await fetch(`${url}/centers`)).status).toBe(200); // the last token set it saw carries on
    expect(warnings).toEqual([
      expect.stringMatching(/^\[@zenoti-auth\/core\] Token store fails \(Test store GET failed/),
    ]);
    expect(warn).not.toHaveBeenCalled();
    warn.mockRestore();
    for (const secret of SECRETS) expect(warnings.join('\n')).not.toContain(secret);
  });
});
