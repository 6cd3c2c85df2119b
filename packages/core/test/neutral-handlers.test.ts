import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MemoryTokenStore, ZenotiAuth, ZenotiAuthError } from '../src/index.ts';
import { createZenotiProxy, errorAnswerOf } from '../src/proxy/index.ts';
import { createZenotiSignIn } from '../src/sign-in/index.ts';
import { D, guestApp, zenoti } from './support.ts';

// `@zenoti-auth/core/proxy` and `/sign-in` used as they are, with plain Web Requests (as on Bun or
// Deno, or inside an adapter): the adapters' own tests and the shared contract
// (tools/test-support) cover the rules through each framework. `<unknown>`: no framework's request
// object here for the hooks (`from`).

const SECRET = 'neutral-session-secret-0123456789abcdef';
const ORIGIN = 'http://app.example';
const [alice] = D.guests;

/** `name=value` of a `Set-Cookie`. */
const pairOf = (res: Response): string => (res.headers.get('set-cookie') ?? '').split(';')[0] as string;

describe('createZenotiProxy()', () => {
  it('answers a Request with a Response: relayed from Zenoti, or an error answer that errorAnswerOf() reads', async () => {
    const z = await zenoti();
    const auth = new ZenotiAuth({ baseUrl: z.url, apiKey: D.apiKey, store: new MemoryTokenStore() });
    const proxy = createZenotiProxy<unknown>({
      prefix: '/api',
      allow: ['GET /v1/centers'],
      fairShare: false,
    });
    const zenotiFor = {
      principal: undefined,
      fetch: (path: string, init: RequestInit) => auth.fetch(path, init),
    };
    const handle = (path: string, init?: RequestInit) =>
      proxy.handle(new Request(`${ORIGIN}${path}`, init), { from: undefined, zenoti: zenotiFor });

    const ok = await handle('/api/v1/centers?size=1');
    expect(ok.status).toBe(200);
    expect(errorAnswerOf(ok)).toBeUndefined();
    expect(((await ok.json()) as { centers: unknown[] }).centers).toHaveLength(1);

    const refused = await handle('/api/v1/centers', { method: 'POST' });
    expect(refused.status).toBe(405);
    expect(errorAnswerOf(refused)).toEqual({
      status: 405,
      code: 'METHOD_NOT_ALLOWED',
      message: 'Method not allowed.',
      headers: { allow: 'GET' },
      cause: undefined,
      tellServer: false,
    });
    expect(await refused.json()).toEqual({
      error: { code: 'METHOD_NOT_ALLOWED', message: 'Method not allowed.' },
    });
  });

  it("answers a ZenotiAuthError of the request's fetch from core's error table, with the error as cause", async () => {
    const proxy = createZenotiProxy<unknown>({ allow: ['GET /v1/centers'] });
    const limited = new ZenotiAuthError('RATE_LIMITED', 'Zenoti asked for a wait.', { retryAfterMs: 30_000 });
    const res = await proxy.handle(new Request(`${ORIGIN}/v1/centers`), {
      from: undefined,
      zenoti: { principal: 'p-1', fetch: () => Promise.reject(limited) },
    });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('30');
    expect(errorAnswerOf(res)).toMatchObject({ code: 'RATE_LIMITED', cause: limited });
  });

  it('names the adapter that made it in option errors, and itself otherwise', () => {
    const errorOf = (make: () => unknown) => {
      try {
        make();
      } catch (error) {
        return error;
      }
    };
    expect(
      errorOf(() => createZenotiProxy<unknown>({ allow: [] }, { package: 'express', name: 'zenotiProxy()' })),
    ).toMatchObject({
      code: 'INVALID_OPTIONS',
      field: 'allow',
      message: `[@zenoti-auth/express] Option "allow" must list 'METHOD /path' entries.`,
    });
    expect(
      errorOf(() => createZenotiProxy<unknown>({ allow: ['GET /v1/centers'], prefix: 'api' })),
    ).toMatchObject({
      field: 'prefix',
      message: expect.stringMatching(/^\[@zenoti-auth\/core\] Option "prefix"/),
    });
  });
});

describe('createZenotiSignIn()', () => {
  it('signs in from a Request, and reads the session back from the Cookie header', async () => {
    const z = await zenoti();
    const auth = new ZenotiAuth(guestApp(z.url));
    const signIn = createZenotiSignIn<unknown>({ cookie: { secret: SECRET } });
    const res = await signIn.login(
      new Request(`${ORIGIN}/auth/login`, {
        method: 'POST',
        headers: { origin: ORIGIN },
        body: new URLSearchParams({ username: alice.username, password: alice.password }),
      }),
      { from: undefined, auth },
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('set-cookie')).toMatch(
      /^zenoti_session=[^;]+; Path=\/; HttpOnly; Secure; SameSite=Lax$/,
    );
    const principal = await signIn.principal(`other=1; ${pairOf(res)}`, undefined);
    expect(principal).toMatch(/^[0-9a-f-]{36}$/);
    expect(await auth.authorization({ principal })).toMatch(/^bearer /);
    expect(await signIn.session('zenoti_session=forged', undefined)).toBeUndefined();
  });

  it("reads a cookie signed as Hono's signed cookies are, so sessions survive the move from hono/cookie", async () => {
    const signIn = createZenotiSignIn<unknown>({ cookie: { secret: SECRET } });
    const value = JSON.stringify(['a-principal', 'a-subject']);
    const signature = createHmac('sha256', SECRET).update(value).digest('base64');
    const cookie = `zenoti_session=${encodeURIComponent(`${value}.${signature}`)}`;
    expect(await signIn.session(cookie, undefined)).toEqual({
      principal: 'a-principal',
      subject: 'a-subject',
    });
    const otherKey = createHmac('sha256', `${SECRET}!`).update(value).digest('base64');
    expect(
      await signIn.session(`zenoti_session=${encodeURIComponent(`${value}.${otherKey}`)}`, undefined),
    ).toBeUndefined();
  });

  it("answers a wrong password in the end user's words, and a cross-site post before asking for the engine", async () => {
    const z = await zenoti();
    const auth = new ZenotiAuth(guestApp(z.url));
    const signIn = createZenotiSignIn<unknown>({ cookie: { secret: SECRET } });
    const post = (origin: string, password: string) =>
      new Request(`${ORIGIN}/auth/login`, {
        method: 'POST',
        headers: { origin, 'content-type': 'application/json' },
        body: JSON.stringify({ username: alice.username, password }),
      });
    const wrong = await signIn.login(post(ORIGIN, 'not-her-password'), { from: undefined, auth });
    expect(errorAnswerOf(wrong)).toMatchObject({
      status: 401,
      code: 'CREDENTIALS_REJECTED',
      tellServer: false,
    });
    const noEngine = {
      from: undefined,
      get auth(): ZenotiAuth {
        throw new Error('no engine on this route');
      },
    };
    const crossSite = await signIn.login(post('https://evil.example', alice.password), noEngine);
    expect(errorAnswerOf(crossSite)).toMatchObject({ status: 403, code: 'CROSS_SITE' });
  });
});
