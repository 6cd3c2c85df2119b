import type { FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import { zenotiAuth, zenotiErrorHandler } from '../src/index.ts';
import { type ZenotiAnswerLog, type ZenotiSignInOptions, zenotiSignIn } from '../src/sign-in.ts';
import { D, fastify, guestApp, listen, SECRETS, serviceUser, WatchedStore, zenoti } from './support.ts';

// What the Fastify skin adds to core's neutral sign-in (whose rules the shared contract suite checks):
// the routes as a plugin under Fastify's prefix, bodies read by the sign-in itself (form or JSON, with
// no body parser of the app's), the cookie readers for zenotiAuth's `principal`, and its load checks.

const SECRET = 'test-session-secret-0123456789abcdef';
const [alice] = D.guests;

/** Guests' zenotiAuth at the root, the sign-in under /auth, and GET /me with the guest's own token. */
async function signInApp(
  z: { url: string },
  extra: Partial<ZenotiSignInOptions> = {},
  told: ZenotiAnswerLog[] = [],
) {
  const store = new WatchedStore();
  const signIn = zenotiSignIn(
    {
      cookie: { secret: SECRET, secure: false },
      subject: (_request, { username }) => D.guests.find((g) => g.username === username)?.guestId,
      ...extra,
    },
    { onError: (entry) => told.push(entry) },
  );
  const app = fastify();
  await app.register(zenotiAuth, { ...guestApp(z.url, { store }), principal: signIn.principal });
  app.setErrorHandler(zenotiErrorHandler());
  await app.register(signIn, { prefix: '/auth' });
  app.get('/me', async (request, reply) => {
    const session = await signIn.session(request);
    if (!session?.subject) return reply.code(401).send({ error: 'signed out' });
    return (await request.zenoti.fetch(`/v1/guests/${session.subject}`)).json();
  });
  const url = await listen(app);
  return { url, store, app };
}

/** The `name=value` pair of a Set-Cookie header. */
const cookiePair = (res: Response): string => (res.headers.get('set-cookie') ?? '').split(';')[0] as string;

describe('zenotiSignIn plugin (real HTTP)', () => {
  it('signs in from a form post, serves the guest with their own token, signs out (revoked), no secret out', async () => {
    const z = await zenoti();
    const { url, store } = await signInApp(z);
    const login = await fetch(`${url}/auth/login`, {
      method: 'POST',
      headers: { origin: url },
      body: new URLSearchParams({ username: alice.username, password: alice.password }),
    });
    const body = await login.text();
    expect([login.status, JSON.parse(body)]).toEqual([200, { signedIn: true, userType: 'Guest' }]);
    const setCookie = login.headers.get('set-cookie') as string;
    expect(setCookie).toMatch(/^zenoti_session=[^;]+; Path=\/; HttpOnly; SameSite=Lax$/);
    const cookie = cookiePair(login);

    const me = await fetch(`${url}/me`, { headers: { cookie } });
    expect(await me.json()).toMatchObject({
      id: alice.guestId,
      personal_info: { user_name: alice.username },
    });
    expect(z.control.requests().filter((r) => r.path === `/v1/guests/${alice.guestId}`)).toEqual([
      expect.objectContaining({ authorization: expect.stringMatching(/^bearer …/) }),
    ]);

    const logout = await fetch(`${url}/auth/logout`, { method: 'POST', headers: { origin: url, cookie } });
    expect(await logout.json()).toEqual({ signedOut: true, revoked: true });
    expect(logout.headers.get('set-cookie')).toMatch(/^zenoti_session=; /);
    expect(z.control.counters().revoke.ok).toBe(1);
    // The old cookie names a session that has ended: the guest's calls are refused.
    const after = await fetch(`${url}/me`, { headers: { cookie } });
    expect(after.status).toBe(401);
    for (const secret of [...store.tokens(), ...SECRETS, SECRET])
      expect(setCookie + body).not.toContain(secret);
  });

  it('reads a JSON post too, and refuses a cross-site one before Zenoti is called', async () => {
    const z = await zenoti();
    const { url } = await signInApp(z);
    const json = await fetch(`${url}/auth/login`, {
      method: 'POST',
      headers: { origin: url, 'content-type': 'application/json' },
      body: JSON.stringify({ username: alice.username, password: alice.password }),
    });
    expect(json.status).toBe(200);
    const tokenCalls = z.control.counters().token.total;
    const crossSite = await fetch(`${url}/auth/login`, {
      method: 'POST',
      headers: { origin: 'https://evil.example' },
      body: new URLSearchParams({ username: alice.username, password: alice.password }),
    });
    expect([crossSite.status, await crossSite.json()]).toEqual([
      403,
      { error: { code: 'CROSS_SITE', message: 'Cross-site request refused.' } },
    ]);
    expect(z.control.counters().token.total).toBe(tokenCalls);
  });

  it("tells onError of a sign-in refused in a wrong password's words for another reason (the service user's name)", async () => {
    const z = await zenoti();
    const told: ZenotiAnswerLog[] = [];
    const store = new WatchedStore();
    const signIn = zenotiSignIn(
      { cookie: { secret: SECRET, secure: false } },
      { onError: (e) => told.push(e) },
    );
    const app = fastify();
    await app.register(zenotiAuth, { ...serviceUser(z.url, { store }), principal: signIn.principal });
    await app.register(signIn, { prefix: '/auth', loginPath: '/in' });
    const url = await listen(app);
    const res = await fetch(`${url}/auth/in`, {
      method: 'POST',
      headers: { origin: url },
      body: new URLSearchParams({ username: D.employee.username, password: 'guess' }),
    });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('CREDENTIALS_REJECTED');
    expect(told).toEqual([expect.objectContaining({ status: 401, code: 'CREDENTIALS_REJECTED' })]);
    expect(told[0]?.message).toMatch(/service user/i);
    expect(z.control.counters().token.total).toBe(0);
  });

  it('fails app.ready() with INVALID_OPTIONS for a bad path or without zenotiAuth; bad options throw at once', async () => {
    const z = await zenoti();
    expect(() => zenotiSignIn({ cookie: { secret: 'short' } })).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTIONS', field: 'cookie.secret' }),
    );
    const signIn = zenotiSignIn({ cookie: { secret: SECRET } });
    const cases: Array<[(app: FastifyInstance) => unknown, string]> = [
      [(app) => app.register(signIn), 'zenotiAuth'],
      [
        (app) =>
          app.register(async (sibling) => sibling.register(zenotiAuth, guestApp(z.url))).register(signIn),
        'zenotiAuth',
      ],
      [
        (app) => app.register(zenotiAuth, guestApp(z.url)).register(signIn, { logoutPath: 'out' }),
        'logoutPath',
      ],
    ];
    for (const [setUp, field] of cases) {
      const app = fastify();
      setUp(app);
      await expect(app.ready(), field).rejects.toMatchObject({ code: 'INVALID_OPTIONS', field });
    }
  });
});
