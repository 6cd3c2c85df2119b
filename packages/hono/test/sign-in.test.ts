import { ZenotiAuthError } from '@zenoti-auth/core';
import { Hono } from 'hono';
import { generateSignedCookie } from 'hono/cookie';
import { describe, expect, it } from 'vitest';
import { type ZenotiAuthEnv, zenotiAuth } from '../src/index.ts';
import { type ZenotiSignInOptions, zenotiSignIn } from '../src/sign-in.ts';
import { D, guestApp, SECRETS, WatchedStore, type Zenoti, zenoti } from './support.ts';

const SECRET = 'test-session-secret-0123456789abcdef';
const ORIGIN = 'http://localhost';
const [alice, bob] = D.guests;

function signInApp(z: Zenoti, extra: Partial<ZenotiSignInOptions> = {}) {
  const store = new WatchedStore();
  const signIn = zenotiSignIn({
    cookie: { secret: SECRET, secure: false },
    subject: (_c, { username }) => D.guests.find((g) => g.username === username)?.guestId,
    ...extra,
  });
  const guests = zenotiAuth({ ...guestApp(z.url, { store }), principal: signIn.principal });
  const app = new Hono<ZenotiAuthEnv>();
  app.post('/auth/login', guests, signIn.login);
  app.post('/auth/logout', guests, signIn.logout);
  app.get('/me', guests, async (c) => {
    const session = await signIn.session(c);
    if (!session?.subject) return c.json({ error: 'signed out' }, 401);
    const res = await c.var.zenoti.fetch(`/v1/guests/${session.subject}`);
    return c.json(await res.json(), 200);
  });
  return { app, store };
}

function login(
  app: Hono<ZenotiAuthEnv>,
  fields: Record<string, string>,
  headers: Record<string, string> = {},
) {
  return app.request('/auth/login', {
    method: 'POST',
    body: new URLSearchParams(fields),
    headers: { origin: ORIGIN, 'content-type': 'application/x-www-form-urlencoded', ...headers },
  });
}

/** The `name=value` pair of a Set-Cookie header. */
function cookiePair(res: Response): string {
  return (res.headers.get('set-cookie') ?? '').split(';')[0] as string;
}

describe('zenotiSignIn()', () => {
  it('signs in from a form post and keeps only the signed, opaque principal id in an httpOnly SameSite cookie', async () => {
    const z = await zenoti();
    const { app, store } = signInApp(z);
    const res = await login(app, { username: alice.username, password: alice.password });
    expect(res.status).toBe(200);
    const body = await res.text();
    expect(JSON.parse(body)).toEqual({ signedIn: true, userType: 'Guest' });
    const setCookie = res.headers.get('set-cookie') as string;
    expect(setCookie).toMatch(/^zenoti_session=[^;]+; Path=\/; HttpOnly; SameSite=Lax$/);
    const value = decodeURIComponent(cookiePair(res).slice('zenoti_session='.length));
    const [payload, signature] = [
      value.slice(0, value.lastIndexOf('.')),
      value.slice(value.lastIndexOf('.') + 1),
    ];
    expect(signature).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    const [principal, subject] = JSON.parse(payload) as [string, string];
    expect(principal).toMatch(/^[0-9a-f-]{36}$/);
    expect(subject).toBe(alice.guestId);
    const tokens = store.tokens();
    expect(tokens).toHaveLength(2);
    for (const secret of [...tokens, ...SECRETS]) {
      expect(setCookie).not.toContain(secret);
      expect(body).not.toContain(secret);
    }

    const me = await app.request('/me', { headers: { cookie: cookiePair(res) } });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({
      id: alice.guestId,
      personal_info: { user_name: alice.username },
    });
    expect(z.control.requests().at(-1)?.authorization).toBe(`bearer …${tokens[0]?.slice(-4)}`);
  });

  it('accepts JSON, and sets Secure, Strict, Max-Age and a __Host- prefix when asked (Secure by default)', async () => {
    const z = await zenoti();
    const { app } = signInApp(z, {
      cookie: { secret: SECRET, sameSite: 'Strict', maxAge: 3600, prefix: 'host' },
    });
    const res = await app.request('/auth/login', {
      method: 'POST',
      body: JSON.stringify({ username: alice.username, password: alice.password }),
      headers: { origin: ORIGIN, 'content-type': 'application/json' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('set-cookie')).toMatch(
      /^__Host-zenoti_session=[^;]+; Max-Age=3600; Path=\/; HttpOnly; Secure; SameSite=Strict$/,
    );
  });

  it('refuses cross-site sign-in posts with 403 before calling Zenoti', async () => {
    const z = await zenoti();
    const { app } = signInApp(z, { origins: ['https://shop.example.com'] });
    const fields = { username: alice.username, password: alice.password };
    expect((await login(app, fields, { origin: 'https://evil.example' })).status).toBe(403);
    expect((await login(app, fields, { origin: 'null' })).status).toBe(403);
    const noOrigin = await app.request('/auth/login', { method: 'POST', body: new URLSearchParams(fields) });
    expect(noOrigin.status).toBe(403);
    expect(await noOrigin.json()).toEqual({
      error: { code: 'CROSS_SITE', message: 'Cross-site request refused.' },
    });
    expect(
      (await login(app, fields, { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' })).status,
    ).toBe(403);
    expect(z.control.counters().token.total).toBe(0);
    // Same-origin by Sec-Fetch-Site, and an origin listed in `origins`, may post.
    expect((await login(app, fields, { origin: '', 'sec-fetch-site': 'same-origin' })).status).toBe(200);
    expect((await login(app, fields, { origin: 'https://shop.example.com' })).status).toBe(200);
  });

  it('answers 401 for a wrong password and 400 for missing fields, setting no cookie', async () => {
    const z = await zenoti();
    const { app } = signInApp(z);
    const wrong = await login(app, { username: alice.username, password: 'not-her-password' });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({
      error: { code: 'CREDENTIALS_REJECTED', message: 'Wrong username or password.' },
    });
    expect(wrong.headers.get('set-cookie')).toBeNull();
    for (const fields of [
      { username: alice.username },
      { password: 'x' },
      { username: ' ', password: 'x' },
      {},
    ]) {
      const res = await login(app, fields);
      expect(res.status).toBe(400);
      expect(res.headers.get('set-cookie')).toBeNull();
    }
  });

  it('tells the user of a locked account (423), or with revealBlockedLogin a sign-in the login policy blocks (403), in safe words', async () => {
    const z = await zenoti({ lockout: { attempts: 1 } });
    const { app } = signInApp(z, { revealBlockedLogin: true });
    const locked = await login(app, { username: alice.username, password: 'not-her-password' });
    expect(locked.status).toBe(423);
    expect(await locked.json()).toEqual({
      error: {
        code: 'ACCOUNT_LOCKED',
        message:
          'This account is locked after too many failed sign-ins. Try again later, or ask an administrator to unlock it.',
      },
    });
    z.control.setLoginPolicy(D.accountName, bob.username, { allowLogin: false, policyAction: 'TwoFactor' });
    const blocked = await login(app, { username: bob.username, password: bob.password });
    expect(blocked.status).toBe(403);
    const text = await blocked.text();
    expect(JSON.parse(text)).toEqual({
      error: {
        code: 'LOGIN_BLOCKED',
        message: "Your organisation's sign-in policy does not allow this sign-in here.",
      },
    });
    expect(text).not.toContain(bob.password);
    for (const res of [locked, blocked]) expect(res.headers.get('set-cookie')).toBeNull();
  });

  it('ignores a tampered cookie and one signed with another secret', async () => {
    const z = await zenoti();
    const { app } = signInApp(z);
    const signedIn = cookiePair(await login(app, { username: alice.username, password: alice.password }));
    const tampered = signedIn.replace(encodeURIComponent(alice.guestId), encodeURIComponent(bob.guestId));
    expect(tampered).not.toBe(signedIn);
    expect((await app.request('/me', { headers: { cookie: tampered } })).status).toBe(401);
    const value = decodeURIComponent(signedIn.slice('zenoti_session='.length));
    const payload = value.slice(0, value.lastIndexOf('.'));
    const forged = await generateSignedCookie(
      'zenoti_session',
      payload,
      'another-secret-0123456789abcdefghij',
    );
    expect((await app.request('/me', { headers: { cookie: forged.split(';')[0] as string } })).status).toBe(
      401,
    );
  });

  it('signs out: revokes at Zenoti, deletes the cookie, and the old cookie no longer works', async () => {
    const z = await zenoti();
    const { app } = signInApp(z);
    const cookie = cookiePair(await login(app, { username: alice.username, password: alice.password }));
    const out = await app.request('/auth/logout', { method: 'POST', headers: { origin: ORIGIN, cookie } });
    expect(out.status).toBe(200);
    expect(await out.json()).toEqual({ signedOut: true, revoked: true });
    expect(out.headers.get('set-cookie')).toMatch(
      /^zenoti_session=; Max-Age=0; Path=\/; HttpOnly; SameSite=Lax$/,
    );
    expect(z.control.counters().revoke.ok).toBe(1);
    const me = await app.request('/me', { headers: { cookie } });
    expect(me.status).toBe(401); // LOGIN_REQUIRED: the session is gone from the store
    expect(await me.json()).toMatchObject({ error: { code: 'LOGIN_REQUIRED' } });
    const crossSite = await app.request('/auth/logout', {
      method: 'POST',
      headers: { origin: 'https://evil.example', cookie },
    });
    expect(crossSite.status).toBe(403);
  });

  it('ends the previous session when someone signs in again in the same browser', async () => {
    const z = await zenoti();
    const { app } = signInApp(z);
    const first = cookiePair(await login(app, { username: alice.username, password: alice.password }));
    const second = await login(app, { username: bob.username, password: bob.password }, { cookie: first });
    expect(second.status).toBe(200);
    expect(z.control.counters().revoke.ok).toBe(1);
    const me = await app.request('/me', { headers: { cookie: cookiePair(second) } });
    expect(await me.json()).toMatchObject({ id: bob.guestId });
  });

  it('rejects configuration mistakes at start-up, naming the field', () => {
    const bad: Array<[unknown, string]> = [
      [{}, 'cookie'],
      [{ cookie: { secret: 'too-short' } }, 'cookie.secret'],
      [{ cookie: { secret: new Uint8Array(16) } }, 'cookie.secret'],
      [{ cookie: { secret: SECRET, sameSite: 'None' } }, 'cookie.sameSite'],
      [{ cookie: { secret: SECRET, name: 'bad name;' } }, 'cookie'],
      [{ cookie: { secret: SECRET, maxAge: 400 * 86_400 + 1 } }, 'cookie'],
      [{ cookie: { secret: SECRET }, origins: ['https://app.example.com/'] }, 'origins'],
      [{ cookie: { secret: SECRET, maxAge: -1 } }, 'cookie.maxAge'],
      [{ cookie: { secret: SECRET, maxAge: Number.NaN } }, 'cookie.maxAge'],
      [{ cookie: { secret: SECRET, maxAge: 0 } }, 'cookie.maxAge'],
      [{ cookie: { secret: SECRET, maxAge: '3600' } }, 'cookie.maxAge'],
      [{ cookie: { secret: SECRET, prefix: 'host', secure: false } }, 'cookie.secure'],
      [{ cookie: { secret: SECRET, prefix: 'secure', secure: false } }, 'cookie.secure'],
      [{ cookie: { secret: SECRET, name: '__Host-session', secure: false } }, 'cookie'],
      [{ cookie: { secret: SECRET, name: '__secure-session', secure: false } }, 'cookie'],
      [{ cookie: { secret: SECRET }, limit: 5 }, 'limit'],
      [{ cookie: { secret: SECRET }, limit: { perUsername: 0 } }, 'limit.perUsername'],
      [{ cookie: { secret: SECRET }, limit: { perAddress: 2.5 } }, 'limit.perAddress'],
      [{ cookie: { secret: SECRET }, limit: { windowSeconds: Number.NaN } }, 'limit.windowSeconds'],
      [{ cookie: { secret: SECRET }, limit: { maxEntries: -1 } }, 'limit.maxEntries'],
      [{ cookie: { secret: SECRET }, clientAddress: 'x-forwarded-for' }, 'clientAddress'],
      [{ cookie: { secret: SECRET }, revealBlockedLogin: 'yes' }, 'revealBlockedLogin'],
      [{ cookie: { secret: SECRET }, allowServiceUser: 1 }, 'allowServiceUser'],
    ];
    for (const [options, field] of bad) {
      let error: unknown;
      try {
        zenotiSignIn(options as never);
      } catch (e) {
        error = e;
      }
      expect(error, JSON.stringify(options)).toBeInstanceOf(ZenotiAuthError);
      expect(error).toMatchObject({ code: 'INVALID_OPTIONS', field });
    }
  });
});
