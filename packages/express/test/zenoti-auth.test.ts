import { ZenotiAuth, ZenotiAuthError } from '@zenoti-auth/core';
import type { Request } from 'express';
import { describe, expect, it, vi } from 'vitest';
import { zenotiAuth, zenotiErrorHandler } from '../src/index.ts';
import { EXPRESS_VERSIONS } from './frameworks.ts';
import { apiKeyOptions, D, guestApp, listen, serviceUser, zenoti } from './support.ts';

/** What the mock saw of `/v1/centers`: the Authorization of each call, as it logs them (fingerprints). */
function centreCalls(control: { requests(): Array<{ path: string; authorization?: string | undefined }> }) {
  return control
    .requests()
    .filter((r) => r.path === '/v1/centers')
    .map((r) => r.authorization);
}

describe.each(EXPRESS_VERSIONS)('zenotiAuth() on %s (real HTTP)', (_version, express) => {
  /** An app whose GET /centers calls Zenoti through req.zenoti and answers Zenoti's status and body. */
  function centresApp(middleware: ReturnType<typeof zenotiAuth>) {
    const app = express();
    app.use(middleware);
    app.get('/centers', async (req, res, next) => {
      try {
        const answer = await req.zenoti.fetch('/v1/centers');
        res.status(answer.status).json(await answer.json());
      } catch (error) {
        next(error); // Express 4 does not catch a rejected handler by itself
      }
    });
    app.get('/header', async (req, res, next) => {
      try {
        res.send((await req.zenoti.authorization()).split(' ')[0]);
      } catch (error) {
        next(error);
      }
    });
    app.use(zenotiErrorHandler());
    return app;
  }

  it('puts req.zenoti on the request: fetch sends the API key, authorization() gives its header', async () => {
    const z = await zenoti();
    const url = await listen(centresApp(zenotiAuth(apiKeyOptions(z.url))));
    const res = await fetch(`${url}/centers`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { centers: unknown[] }).centers).toHaveLength(3);
    expect(await (await fetch(`${url}/header`)).text()).toBe('apikey');
    expect(centreCalls(z.control)).toEqual([`apikey …${D.apiKey.slice(-4)}`]);
  });

  it("binds each request's principal: the guest's own token, and no token at all without a session", async () => {
    const z = await zenoti();
    const auth = new ZenotiAuth(guestApp(z.url));
    const [guest] = D.guests;
    const { principal } = await auth.login({ username: guest.username, password: guest.password });
    const tokenCalls = z.control.counters().token.total;
    const url = await listen(
      centresApp(zenotiAuth({ auth, principal: (req: Request) => req.get('x-session') })),
    );

    const signedIn = await fetch(`${url}/centers`, { headers: { 'x-session': principal } });
    expect(signedIn.status).toBe(200);
    expect(centreCalls(z.control)).toEqual([expect.stringMatching(/^bearer …/)]);

    // No session (or an empty one): 401 LOGIN_REQUIRED, and nothing reaches Zenoti.
    for (const headers of [{}, { 'x-session': '' }]) {
      const refused = await fetch(`${url}/centers`, { headers });
      expect(refused.status).toBe(401);
      expect(await refused.json()).toEqual({
        error: {
          code: 'LOGIN_REQUIRED',
          message: 'Sign-in required: the Zenoti session has ended or never began.',
        },
      });
    }
    expect((await fetch(`${url}/header`)).status).toBe(401);
    expect(centreCalls(z.control)).toHaveLength(1);
    expect(z.control.counters().token.total).toBe(tokenCalls);
  });

  it("principalFallback: 'service-user' sends an anonymous request with the app's own credential", async () => {
    const z = await zenoti();
    const middleware = zenotiAuth({
      ...serviceUser(z.url),
      principal: () => undefined,
      principalFallback: 'service-user',
    });
    const url = await listen(centresApp(middleware));
    expect((await fetch(`${url}/centers`)).status).toBe(200);
    expect(centreCalls(z.control)).toEqual([expect.stringMatching(/^bearer …/)]);
    expect(z.control.counters().token.password.ok).toBe(1);
  });

  it('a resolver (req) => options builds one engine per credential identity, not one per request', async () => {
    const z = await zenoti();
    const store = serviceUser(z.url).store;
    const app = express();
    const engines = new Set<ZenotiAuth>();
    // Each request returns new but equal options; the tenant header picks the organisation.
    app.use(
      zenotiAuth((req) =>
        req.get('x-tenant') === 'other'
          ? { baseUrl: z.url, apiKey: D.other.apiKey }
          : serviceUser(z.url, store ? { store } : {}),
      ),
    );
    app.get('/engine', async (req, res) => {
      engines.add(req.zenoti.auth);
      res.send((await req.zenoti.authorization()).split(' ')[0]);
    });
    const url = await listen(app);
    const answers = await Promise.all(Array.from({ length: 30 }, () => fetch(`${url}/engine`)));
    expect(new Set(await Promise.all(answers.map((r) => r.text())))).toEqual(new Set(['bearer']));
    expect(engines.size).toBe(1);
    expect(z.control.counters().token.total).toBe(1);
    expect(await (await fetch(`${url}/engine`, { headers: { 'x-tenant': 'other' } })).text()).toBe('apikey');
    expect(engines.size).toBe(2);
  });

  it('a resolver that returns bad options is answered 500 INVALID_OPTIONS, without details', async () => {
    const app = express();
    app.use(zenotiAuth(() => ({ apiKey: 'has whitespace' })));
    app.get('/', (_req, res) => {
      res.send('unreachable');
    });
    const logged: string[] = [];
    app.use(zenotiErrorHandler({ onError: (entry) => logged.push(`${entry.code} ${entry.field}`) }));
    const res = await fetch(`${await listen(app)}/`);
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({
      error: { code: 'INVALID_OPTIONS', message: 'The Zenoti integration is misconfigured.' },
    });
    expect(logged).toEqual(['INVALID_OPTIONS apiKey']);
  });

  it('accepts a ready engine, and tells its warnings to onWarning instead of the console', async () => {
    const z = await zenoti();
    // A token store that does not answer: the engine carries on alone, and warns.
    const down = {
      get: () => Promise.reject(new Error('down')),
      set: () => undefined,
      delete: () => undefined,
    };
    const auth = new ZenotiAuth(serviceUser(z.url, { store: down as never }));
    const warnings: string[] = [];
    const consoleWarn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const app = express();
    app.use(zenotiAuth({ auth, onWarning: (message) => warnings.push(message) }));
    app.get('/', async (req, res) => {
      res.send(`${req.zenoti.auth === auth} ${(await req.zenoti.authorization()).split(' ')[0]}`);
    });
    expect(await (await fetch(`${await listen(app)}/`)).text()).toBe('true bearer');
    expect(warnings.length).toBeGreaterThan(0);
    expect(warnings.join('\n')).toMatch(/store/i);
    expect(consoleWarn).not.toHaveBeenCalled();
    consoleWarn.mockRestore();
  });
});

describe('configuration mistakes', () => {
  it('throw INVALID_OPTIONS at start-up, naming the field', () => {
    const bad = [
      [{ apiKey: '' }, 'apiKey'],
      [{ baseUrl: 'http://zenoti.example.com', apiKey: D.apiKey }, 'baseUrl'],
      [{ app: { accountName: 'a', appId: 'b' } }, 'app.appSecret'],
      [{ apiKey: D.apiKey, principal: 'alice' }, 'principal'],
      [{ apiKey: D.apiKey, principalFallback: 'anyone' }, 'principalFallback'],
      [{ apiKey: D.apiKey, onWarning: 'console' }, 'onWarning'],
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
      expect(error, field).toBeInstanceOf(ZenotiAuthError);
      expect(error, field).toMatchObject({ code: 'INVALID_OPTIONS', field });
    }
    expect(() => zenotiErrorHandler({ onError: 'log' as never })).toThrow(
      expect.objectContaining({ field: 'onError' }),
    );
  });

  it('never puts a secret in the error', () => {
    const spy = vi.fn();
    try {
      zenotiAuth({ apiKey: `${D.apiKey} ` });
    } catch (error) {
      spy(String(error), JSON.stringify(error));
    }
    expect(spy).toHaveBeenCalledOnce();
    expect(spy.mock.calls.flat().join(' ')).not.toContain(D.apiKey);
  });
});
