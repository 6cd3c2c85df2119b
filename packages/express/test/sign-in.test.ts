import type { RequestHandler } from 'express';
import { describe, expect, it } from 'vitest';
import { type ZenotiErrorLog, zenotiAuth, zenotiErrorHandler } from '../src/index.ts';
import { zenotiSignIn } from '../src/sign-in.ts';
import { EXPRESS_VERSIONS, type ExpressFactory } from './frameworks.ts';
import { D, guestApp, listen, SECRETS, serviceUser, WatchedStore, type Zenoti, zenoti } from './support.ts';

// What the Express skin adds to core's sign-in (whose rules the shared contract suite checks): the
// request as Express has it (with or without a body parser before), the cookie read from `req`,
// req.zenoti's engine, the log of answers the server should hear of, Express 4 and 5.

const SECRET = 'test-session-secret-0123456789abcdef';
const [alice] = D.guests;

/** A guest app: sign-in, sign-out and /me (the guest's own record, with their own token). */
function guestsApp(
  express: ExpressFactory,
  z: Zenoti,
  parsers: RequestHandler[],
  logged: ZenotiErrorLog[] = [],
) {
  const store = new WatchedStore();
  const signIn = zenotiSignIn(
    {
      cookie: { secret: SECRET, secure: false },
      subject: (req, { username }) =>
        `${req.method} ${D.guests.find((g) => g.username === username)?.guestId}`,
    },
    { onError: (entry) => logged.push(entry) },
  );
  const guests = zenotiAuth({ ...guestApp(z.url, { store }), principal: signIn.principal });
  const app = express();
  if (parsers.length > 0) app.use(...parsers);
  app.post('/auth/login', guests, signIn.login);
  app.post('/auth/logout', guests, signIn.logout);
  app.get('/me', guests, async (req, res, next) => {
    try {
      const session = await signIn.session(req);
      const guestId = session?.subject?.split(' ')[1] ?? '';
      const answer = await req.zenoti.fetch(`/v1/guests/${guestId}`);
      res.status(answer.status).json({ subject: session?.subject, guest: await answer.json() });
    } catch (error) {
      next(error);
    }
  });
  app.use(zenotiErrorHandler());
  return { app, store };
}

describe.each(EXPRESS_VERSIONS)('zenotiSignIn() on %s (real HTTP)', (_version, express) => {
  const bodyParsers: Array<[string, RequestHandler[]]> = [
    ['no body parser', []],
    ['express.json() and express.urlencoded()', [express.json(), express.urlencoded({ extended: false })]],
  ];

  it.each(bodyParsers)(
    'signs in, serves the guest with their own token and signs out (%s)',
    async (_p, parsers) => {
      const z = await zenoti();
      const { app, store } = guestsApp(express, z, parsers);
      const url = await listen(app);
      for (const [type, body] of [
        [
          'application/x-www-form-urlencoded',
          new URLSearchParams({ username: alice.username, password: alice.password }),
        ],
        ['application/json', JSON.stringify({ username: alice.username, password: alice.password })],
      ] as const) {
        const login = await fetch(`${url}/auth/login`, {
          method: 'POST',
          headers: { origin: url, 'content-type': type },
          body,
        });
        const text = await login.text();
        expect([login.status, JSON.parse(text)], type).toEqual([200, { signedIn: true, userType: 'Guest' }]);
        const setCookie = login.headers.get('set-cookie') ?? '';
        expect(setCookie).toMatch(/^zenoti_session=[^;]+; Path=\/; HttpOnly; SameSite=Lax$/);
        const cookie = setCookie.split(';')[0] as string;

        const me = await fetch(`${url}/me`, { headers: { cookie } });
        expect(me.status).toBe(200);
        // The hook got Express's req; Zenoti answered the guest's own record with the guest's token.
        expect(await me.json()).toMatchObject({
          subject: `POST ${alice.guestId}`,
          guest: { id: alice.guestId },
        });
        const guestCall = z.control
          .requests()
          .filter((r) => r.path === `/v1/guests/${alice.guestId}`)
          .at(-1);
        expect(guestCall?.authorization).toMatch(/^bearer …/);

        const logout = await fetch(`${url}/auth/logout`, {
          method: 'POST',
          headers: { origin: url, cookie },
        });
        expect([logout.status, await logout.json()]).toEqual([200, { signedOut: true, revoked: true }]);
        expect(logout.headers.get('set-cookie')).toMatch(/^zenoti_session=;/);
        const after = await fetch(`${url}/me`, { headers: { cookie } });
        expect([after.status, ((await after.json()) as { error: { code: string } }).error.code]).toEqual([
          401,
          'LOGIN_REQUIRED',
        ]);
        for (const secret of [...store.tokens(), ...SECRETS]) expect(text + setCookie).not.toContain(secret);
      }
      expect(z.control.counters().revoke.ok).toBe(2);
    },
  );

  it('refuses a cross-site post (403) and a post without fields (400) before Zenoti', async () => {
    const z = await zenoti();
    const url = await listen(guestsApp(express, z, []).app);
    const fields = new URLSearchParams({ username: alice.username, password: alice.password });
    const crossSite = await fetch(`${url}/auth/login`, {
      method: 'POST',
      headers: { origin: 'https://evil.example' },
      body: fields,
    });
    expect([crossSite.status, await crossSite.json()]).toEqual([
      403,
      { error: { code: 'CROSS_SITE', message: 'Cross-site request refused.' } },
    ]);
    const empty = await fetch(`${url}/auth/login`, { method: 'POST', headers: { origin: url } });
    expect(empty.status).toBe(400);
    expect(z.control.counters().token.total).toBe(0);
  });

  it("answers the service user's username as a wrong password, without calling Zenoti, and tells the server why", async () => {
    const z = await zenoti();
    const logged: ZenotiErrorLog[] = [];
    const signIn = zenotiSignIn(
      { cookie: { secret: SECRET, secure: false } },
      { onError: (e) => logged.push(e) },
    );
    const app = express();
    app.post('/auth/login', zenotiAuth(serviceUser(z.url)), signIn.login);
    const url = await listen(app);
    const res = await fetch(`${url}/auth/login`, {
      method: 'POST',
      headers: { origin: url },
      body: new URLSearchParams({ username: D.employee.username, password: 'a guess' }),
    });
    expect([res.status, await res.json()]).toEqual([
      401,
      { error: { code: 'CREDENTIALS_REJECTED', message: 'Wrong username or password.' } },
    ]);
    expect(z.control.counters().token.total).toBe(0);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ status: 401, code: 'CREDENTIALS_REJECTED' });
    expect(logged[0]?.message).not.toBe('Wrong username or password.');
    expect(JSON.stringify(logged[0]?.message)).not.toContain('a guess');
  });
});
