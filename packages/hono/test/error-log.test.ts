import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type ZenotiAuthEnv, type ZenotiErrorLog, zenotiAuth } from '../src/index.ts';
import { zenotiProxy } from '../src/proxy.ts';
import { zenotiSignIn } from '../src/sign-in.ts';
import { listen } from './server.ts';
import { apiKeyOptions, D, guestApp, SECRETS, serviceUser, zenoti } from './support.ts';

// Every 5xx the adapter answers is told to the server once (the body says only a fixed message);
// by default on console.error, which these tests read: the lines, not a stand-in for the logger.

/** Token calls fail at once (no waiting on retries): 502 TOKEN_ENDPOINT. */
const FAST_RETRY = { retry: { retries: 1, minDelayMs: 1, maxDelayMs: 2, deadlineMs: 2_000 } };

/** What console.error is given from now on (and not printed). */
function consoleErrors(): string[][] {
  const lines: string[][] = [];
  vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
    lines.push(args.map(String));
  });
  return lines;
}

afterEach(() => {
  vi.restoreAllMocks();
});

/** An app whose `GET /centers` calls Zenoti through `c.var.zenoti`. */
function centersApp(middleware: ReturnType<typeof zenotiAuth>): Hono<ZenotiAuthEnv> {
  const app = new Hono<ZenotiAuthEnv>();
  app.use(middleware);
  app.get('/centers', async (c) => c.json(await (await c.var.zenoti.fetch('/v1/centers')).json()));
  return app;
}

describe('a 5xx the adapter answers is logged once', () => {
  it('by default, one console.error line with method, path, status, code and the reason (real HTTP)', async () => {
    const z = await zenoti();
    z.control.injectFault('token', { kind: 'status', status: 500 }, 2);
    const port = await listen(centersApp(zenotiAuth(serviceUser(z.url, FAST_RETRY))));
    const lines = consoleErrors();
    const res = await fetch(`http://127.0.0.1:${port}/centers?page=2`);
    expect(res.status).toBe(502);
    expect(await res.json()).toEqual({
      error: { code: 'TOKEN_ENDPOINT', message: 'Zenoti could not issue an access token.' },
    });
    expect(lines).toHaveLength(1);
    const [line] = lines[0] as string[];
    // The reason is core's own message (the body has only the fixed one); the query is not logged.
    expect(line).toMatch(
      /^\[@zenoti-auth\/hono\] GET \/centers answered 502 TOKEN_ENDPOINT: \[@zenoti-auth\/core\] .*HTTP 500/,
    );
    for (const secret of SECRETS) expect(line).not.toContain(secret);
  });

  it("logs the proxy's and the sign-in's 5xx answers too, and no 4xx", async () => {
    const z = await zenoti();
    const signIn = zenotiSignIn({
      cookie: { secret: 'test-session-secret-0123456789abcdef', secure: false },
    });
    const app = new Hono<ZenotiAuthEnv>();
    app.use('/api/zenoti/*', zenotiAuth(apiKeyOptions(z.url)));
    app.all('/api/zenoti/*', zenotiProxy({ prefix: '/api/zenoti', allow: ['GET /v1/centers'] }));
    const guests = zenotiAuth({ ...guestApp(z.url, FAST_RETRY), principal: signIn.principal });
    app.post('/auth/login', guests, signIn.login);
    app.get('/me', guests, async (c) => c.json(await (await c.var.zenoti.fetch('/v1/guests/x')).json()));
    const lines = consoleErrors();

    const login = (password: string) =>
      app.request('/auth/login', {
        method: 'POST',
        body: new URLSearchParams({ username: D.guests[0].username, password }),
        headers: { origin: 'http://localhost' },
      });
    // 4xx: the client's own doing, not logged.
    expect((await app.request('/api/zenoti/v1/tokens')).status).toBe(404);
    expect((await app.request('/me')).status).toBe(401);
    expect((await login('wrong-password')).status).toBe(401);
    expect(lines).toEqual([]);

    // 5xx: a redirect from Zenoti (the proxy's own answer), a token endpoint that fails (sign-in).
    z.control.injectFault('resource', { kind: 'status', status: 302, headers: { location: '/elsewhere' } });
    expect((await app.request('/api/zenoti/v1/centers')).status).toBe(502);
    z.control.injectFault('token', { kind: 'status', status: 500 }, 2);
    expect((await login(D.guests[0].password)).status).toBe(502);
    expect(lines.map(([line]) => line)).toEqual([
      '[@zenoti-auth/hono] GET /api/zenoti/v1/centers answered 502 UPSTREAM_REDIRECT: Zenoti answered with a redirect, which is not followed.',
      expect.stringMatching(/^\[@zenoti-auth\/hono\] POST \/auth\/login answered 502 TOKEN_ENDPOINT: /),
    ]);
    for (const secret of SECRETS) expect(lines.join('\n')).not.toContain(secret);
  });

  it('once, through two zenotiAuth() on one route; not an error the handler caught, nor your own HTTPException', async () => {
    const z = await zenoti();
    z.control.injectFault('token', { kind: 'status', status: 500 }, Number.POSITIVE_INFINITY);
    const app = new Hono<ZenotiAuthEnv>();
    app.use(zenotiAuth(apiKeyOptions(z.url)));
    app.use('/nested/*', zenotiAuth(serviceUser(z.url, FAST_RETRY)));
    app.get('/nested/centers', async (c) => c.json(await (await c.var.zenoti.fetch('/v1/centers')).json()));
    app.get('/nested/caught', async (c) => {
      try {
        return c.json(await (await c.var.zenoti.fetch('/v1/centers')).json());
      } catch {
        return c.json({ centers: [] }, 503);
      }
    });
    app.get('/own', () => {
      throw new HTTPException(503, { message: 'maintenance' });
    });
    const lines = consoleErrors();
    expect((await app.request('/nested/centers')).status).toBe(502);
    expect(lines).toHaveLength(1);
    expect((await app.request('/nested/caught')).status).toBe(503);
    expect((await app.request('/own')).status).toBe(503);
    expect(lines).toHaveLength(1);
  });
});

describe('onError', () => {
  it('takes the place of console.error, with status, code, field and the reason, never the value at fault', async () => {
    const entries: ZenotiErrorLog[] = [];
    const paths: string[] = [];
    const onError = (entry: ZenotiErrorLog, c: { req: { path: string } }) => {
      entries.push(entry);
      paths.push(c.req.path);
    };
    const badKey = `${D.apiKey} has whitespace`;
    // Options from a resolver (as from c.env on Workers): one with an API key core refuses.
    const app = centersApp(zenotiAuth(() => ({ apiKey: badKey, onError })));
    const lines = consoleErrors();
    const res = await app.request('/centers');
    expect(res.status).toBe(500);
    expect(lines).toEqual([]);
    expect(paths).toEqual(['/centers']);
    expect(entries).toHaveLength(1);
    const { error, ...entry } = entries[0] as ZenotiErrorLog;
    expect(entry).toEqual({
      status: 500,
      code: 'INVALID_OPTIONS',
      field: 'apiKey',
      message: expect.stringContaining('"apiKey"'),
    });
    expect(error.cause).toMatchObject({ name: 'ZenotiAuthError', code: 'INVALID_OPTIONS', field: 'apiKey' });
    expect(JSON.stringify(entry)).not.toContain(D.apiKey);
  });

  it('that throws leaves the answer as it was', async () => {
    const z = await zenoti();
    z.control.injectFault('token', { kind: 'status', status: 500 }, 2);
    const onError = () => {
      throw new Error('the log is down');
    };
    const res = await centersApp(zenotiAuth({ ...serviceUser(z.url, FAST_RETRY), onError })).request(
      '/centers',
    );
    expect(res.status).toBe(502);
    expect(await res.json()).toMatchObject({ error: { code: 'TOKEN_ENDPOINT' } });
  });

  it('must be a function', () => {
    expect(() => zenotiAuth({ apiKey: D.apiKey, onError: 'console' } as never)).toThrow(
      '[@zenoti-auth/hono] Option "onError" must be a function.',
    );
  });
});
