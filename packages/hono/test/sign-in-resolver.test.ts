import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { type ZenotiAuthEnv, type ZenotiErrorLog, zenotiAuth } from '../src/index.ts';
import { type ZenotiSignInOptions, type ZenotiSignInResolver, zenotiSignIn } from '../src/sign-in.ts';
import { D, guestApp, type Zenoti, zenoti } from './support.ts';

// `zenotiSignIn((c) => options)`: options per request, as on Cloudflare Workers, where a secret
// exists only in `c.env`. `app.request(path, init, env)` hands the bindings to the app as Workers do.

type Bindings = { SESSION_SECRET?: string };
type AppEnv = ZenotiAuthEnv & { Bindings: Bindings };

const SECRET = 'test-session-secret-0123456789abcdef';
const OTHER_SECRET = 'another-session-secret-0123456789abcdef';
const ORIGIN = 'http://localhost';
const [alice] = D.guests;

function signInApp(z: Zenoti, resolver: ZenotiSignInResolver<AppEnv>, logged: ZenotiErrorLog[] = []) {
  const signIn = zenotiSignIn<AppEnv>(resolver);
  const guests = zenotiAuth<AppEnv>({
    ...guestApp(z.url),
    principal: signIn.principal,
    onError: (entry) => logged.push(entry),
  });
  const app = new Hono<AppEnv>();
  app.post('/auth/login', guests, signIn.login);
  app.post('/auth/logout', guests, signIn.logout);
  app.get('/me', guests, async (c) => c.json({ session: (await signIn.session(c)) ?? null }));
  return app;
}

function login(app: Hono<AppEnv>, env: Bindings, password: string = alice.password) {
  return app.request(
    '/auth/login',
    {
      method: 'POST',
      body: new URLSearchParams({ username: alice.username, password }),
      headers: { origin: ORIGIN },
    },
    env,
  );
}

const cookieOf = (res: Response): string => (res.headers.get('set-cookie') ?? '').split(';')[0] as string;

/** Options as a Workers app writes them: a fresh object each request, the secret from `c.env`. */
const fromEnv =
  (extra: Partial<ZenotiSignInOptions<AppEnv>> = {}): ZenotiSignInResolver<AppEnv> =>
  (c) => ({ cookie: { secret: c.env.SESSION_SECRET as string, secure: false }, ...extra });

describe('zenotiSignIn((c) => options): options per request', () => {
  it('signs the session with the secret from c.env, and reads it back only with that secret', async () => {
    const z = await zenoti();
    const app = signInApp(z, fromEnv({ subject: () => alice.guestId }));
    const res = await login(app, { SESSION_SECRET: SECRET });
    expect(res.status).toBe(200);
    const cookie = cookieOf(res);
    const me = async (env: Bindings) =>
      ((await (await app.request('/me', { headers: { cookie } }, env)).json()) as { session: unknown })
        .session;
    expect(await me({ SESSION_SECRET: SECRET })).toMatchObject({ subject: alice.guestId });
    // Rotated in c.env: the old cookie no longer verifies.
    expect(await me({ SESSION_SECRET: OTHER_SECRET })).toBeNull();
  });

  it('keeps one budget of failed sign-ins for the zenotiSignIn(), however fresh each resolved object is', async () => {
    const z = await zenoti();
    // A fresh `limit` object per request too: 2 failures per username, then 429 before Zenoti.
    const app = signInApp(z, fromEnv({ limit: { perUsername: 2 } }));
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await login(app, { SESSION_SECRET: SECRET }, 'wrong')).status);
    expect(statuses).toEqual([401, 401, 429, 429]);
    expect(z.control.counters().token.total).toBe(2);
  });

  it('checks options once per options object, and once per distinct settings when each object is new', async () => {
    const z = await zenoti();
    let checks = 0;
    // checkSignInOptions walks `origins` once per check: an iterator that counts them.
    const counted = (): string[] => {
      const origins = ['https://app.example.com'];
      const values = origins[Symbol.iterator].bind(origins);
      origins[Symbol.iterator] = () => {
        checks++;
        return values();
      };
      return origins;
    };
    const app = signInApp(z, fromEnv({ origins: counted() }));
    for (let i = 0; i < 5; i++) expect((await login(app, { SESSION_SECRET: SECRET })).status).toBe(200);
    expect(checks).toBe(1);
    // A new secret is new settings: checked once more, then known.
    for (let i = 0; i < 3; i++) expect((await login(app, { SESSION_SECRET: OTHER_SECRET })).status).toBe(200);
    expect(checks).toBe(2);

    // The same object every time: checked once, though the resolver runs per request.
    const fixed: ZenotiSignInOptions<AppEnv> = {
      cookie: { secret: SECRET, secure: false },
      origins: counted(),
    };
    const same = signInApp(z, () => fixed);
    for (let i = 0; i < 3; i++) expect((await login(same, {})).status).toBe(200);
    expect(checks).toBe(3);
  });

  it('answers a resolver’s mistake 500 INVALID_OPTIONS, logged with the field and never the secret', async () => {
    const z = await zenoti();
    const logged: ZenotiErrorLog[] = [];
    const app = signInApp(z, fromEnv(), logged);
    // The secret was never set (`wrangler secret put` forgotten).
    const res = await login(app, {});
    expect(res.status).toBe(500);
    expect(await res.json()).toMatchObject({ error: { code: 'INVALID_OPTIONS' } });
    expect(logged.map((e) => [e.status, e.field, e.message])).toEqual([
      [500, 'cookie.secret', expect.stringMatching(/"cookie\.secret" is undefined; it must be at least 32/)],
    ]);
    // Too short: the same, and the value is not in the log.
    logged.length = 0;
    expect((await login(app, { SESSION_SECRET: 'short-secret' })).status).toBe(500);
    expect(JSON.stringify(logged.map((e) => e.message))).not.toContain('short-secret');
    // The principal reader meets the same mistake in zenotiAuth: 500 there too, nothing signed in.
    expect((await app.request('/me', {}, {})).status).toBe(500);
    expect(z.control.counters().token.total).toBe(0);
  });

  it('refuses a resolver whose limit changes between requests: the budget is one', async () => {
    const z = await zenoti();
    let perUsername = 3;
    const logged: ZenotiErrorLog[] = [];
    const app = signInApp(
      z,
      fromEnv({
        get limit() {
          return { perUsername: perUsername++ };
        },
      }),
      logged,
    );
    expect((await login(app, { SESSION_SECRET: SECRET })).status).toBe(200);
    expect((await login(app, { SESSION_SECRET: SECRET })).status).toBe(500);
    expect(logged.map((e) => e.field)).toEqual(['limit']);
  });
});
