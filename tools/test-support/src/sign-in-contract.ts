import { MemoryTokenStore, type TokenSet, type ZenotiAuthOptions } from '@zenoti-auth/core';
import type { ZenotiSignInOptions } from '@zenoti-auth/core/sign-in';
import type { StartMockZenotiOptions } from '@zenoti-auth/mock-server';
import { describe, expect, it } from 'vitest';
import type { ContractServer } from './contract-http.ts';
import { D, DEMO_GUEST_PASSWORDS, DEMO_ORG_SECRETS, guestApp, testResources } from './index.ts';

export type { ContractServer } from './contract-http.ts';

/** The sign-in's options without the hooks that take the framework's request. */
export type ContractSignInOptions = Omit<ZenotiSignInOptions, 'clientAddress' | 'subject'>;

/**
 * What a framework's server under the sign-in contract serves, on 127.0.0.1 (the socket's address
 * is the client's), behind `zenotiAuth({ ...auth, principal: signIn.principal })`:
 * - `POST /auth/login`: `signIn.login`; `POST /auth/logout`: `signIn.logout`;
 * - `GET /me`: `zenoti.fetch('/v1/centers')` and `{ "status": <its status> }` as JSON, a Zenoti
 *   error answered by the framework's Zenoti error handling (401 `LOGIN_REQUIRED` for no one signed in).
 */
export interface SignInContractApp {
  /** Options of the framework's `zenotiAuth()`: the end users' app (guests) on the mock Zenoti. */
  auth: ZenotiAuthOptions;
  /** Options of its `zenotiSignIn()` (no hook: the default client address is the framework's to give). */
  signIn: ContractSignInOptions;
}

/** Starts the framework's server for `app` on 127.0.0.1 and a free port (closed by the contract). */
export type StartSignInServer = (app: SignInContractApp) => Promise<ContractServer>;

const SECRET = 'contract-session-secret-0123456789abcdef';
const [alice, bob] = D.guests;

/** A store that keeps every token written, to look for them in what clients receive. */
class TokenWatch extends MemoryTokenStore {
  readonly tokens: string[] = [];
  override set(key: string, value: TokenSet, ttlMs: number): void {
    this.tokens.push(value.accessToken, ...(value.refreshToken ? [value.refreshToken] : []));
    super.set(key, value, ttlMs);
  }
}

/** The `name=value` pair of a response's `Set-Cookie`. */
const cookieOf = (res: Response): string => (res.headers.get('set-cookie') ?? '').split(';')[0] as string;

/**
 * The behaviour every framework's `zenotiSignIn()` must have, over real HTTP against the mock
 * Zenoti: the rules of `@zenoti-auth/core/sign-in` reached through the framework's own request,
 * body, socket and cookies. `start` serves the framework's app for each case.
 */
export function signInContract(framework: string, start: StartSignInServer): void {
  const opened = testResources();

  async function served(signIn: Partial<ContractSignInOptions> = {}, mock: StartMockZenotiOptions = {}) {
    const z = await opened.zenoti(mock);
    const store = new TokenWatch();
    const server = opened.closeAfterTest(
      await start({
        auth: guestApp(z.url, { store }),
        signIn: { cookie: { secret: SECRET, secure: false }, ...signIn },
      }),
    );
    const { url } = server;
    const post = (path: string, body: BodyInit | null, headers: Record<string, string> = {}) =>
      fetch(`${url}${path}`, { method: 'POST', body, headers: { origin: url, ...headers } });
    const login = (username: string, password: string, headers: Record<string, string> = {}) =>
      post('/auth/login', new URLSearchParams({ username, password }), headers);
    const me = (cookie: string) => fetch(`${url}/me`, { headers: { cookie } });
    const tokenCalls = () => z.control.counters().token.total;
    return { z, url, store, post, login, me, tokenCalls };
  }

  describe(`zenotiSignIn() contract: ${framework}`, () => {
    it('signs in from a same-origin form post into a signed, httpOnly, SameSite cookie that holds no secret', async () => {
      const { z, store, login, me } = await served();
      const res = await login(alice.username, alice.password);
      expect(res.status).toBe(200);
      const body = await res.text();
      expect(JSON.parse(body)).toEqual({ signedIn: true, userType: 'Guest' });
      const setCookie = res.headers.get('set-cookie') as string;
      expect(setCookie).toMatch(/^zenoti_session=[^;]+; Path=\/; HttpOnly; SameSite=Lax$/);
      for (const secret of [...store.tokens, ...DEMO_ORG_SECRETS, ...DEMO_GUEST_PASSWORDS]) {
        expect(setCookie).not.toContain(secret);
        expect(body).not.toContain(secret);
      }
      const answer = await me(cookieOf(res));
      expect(answer.status).toBe(200);
      expect(await answer.json()).toEqual({ status: 200 });
      expect(z.control.requests().at(-1)?.authorization).toBe(`bearer …${store.tokens[0]?.slice(-4)}`);
    });

    it('accepts a JSON post', async () => {
      const { post } = await served();
      const body = JSON.stringify({ username: alice.username, password: alice.password });
      const res = await post('/auth/login', body, { 'content-type': 'application/json' });
      expect(res.status).toBe(200);
      expect(cookieOf(res)).toMatch(/^zenoti_session=./);
    });

    it('refuses a cross-site post with 403 CROSS_SITE before calling Zenoti', async () => {
      const { login, tokenCalls } = await served();
      for (const origin of ['https://evil.example', 'null']) {
        const res = await login(alice.username, alice.password, { origin });
        expect(res.status).toBe(403);
        expect(await res.json()).toEqual({
          error: { code: 'CROSS_SITE', message: 'Cross-site request refused.' },
        });
      }
      expect(tokenCalls()).toBe(0);
    });

    it('answers 401 for a wrong password and 400 for missing fields, setting no cookie', async () => {
      const { login, post } = await served();
      const wrong = await login(alice.username, 'not-her-password');
      expect(wrong.status).toBe(401);
      expect(await wrong.json()).toEqual({
        error: { code: 'CREDENTIALS_REJECTED', message: 'Wrong username or password.' },
      });
      expect(wrong.headers.get('set-cookie')).toBeNull();
      const missing = await post('/auth/login', new URLSearchParams({ username: alice.username }));
      expect(missing.status).toBe(400);
      expect(missing.headers.get('set-cookie')).toBeNull();
    });

    it('limits failed sign-ins per username: 429 with Retry-After before Zenoti is called', async () => {
      const { login, tokenCalls } = await served({ limit: { perUsername: 2 } });
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) statuses.push((await login(alice.username, 'wrong')).status);
      expect(statuses).toEqual([401, 401, 429]);
      const limited = await login(alice.username, alice.password);
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await limited.json()).toMatchObject({ error: { code: 'TOO_MANY_SIGN_INS' } });
      expect(tokenCalls()).toBe(2);
    });

    it("limits failed sign-ins per client by the socket's address, never X-Forwarded-For", async () => {
      const { login, tokenCalls } = await served({ limit: { perAddress: 2 } });
      const spoof = (ip: string) => ({ 'x-forwarded-for': ip, 'cf-connecting-ip': ip, 'x-real-ip': ip });
      expect((await login('u1', 'wrong', spoof('203.0.113.1'))).status).toBe(401);
      expect((await login('u2', 'wrong', spoof('203.0.113.2'))).status).toBe(401);
      expect((await login('u3', 'wrong', spoof('203.0.113.3'))).status).toBe(429);
      expect(tokenCalls()).toBe(2);
    });

    it('answers a sign-in the login policy blocks exactly as a wrong password', async () => {
      const { z, login } = await served();
      z.control.setLoginPolicy(D.accountName, bob.username, { allowLogin: false, policyAction: 'TwoFactor' });
      const seen = async (res: Response) => ({
        status: res.status,
        type: res.headers.get('content-type'),
        cookie: res.headers.get('set-cookie'),
        body: await res.text(),
      });
      const wrong = await seen(await login(alice.username, 'not-her-password'));
      expect(await seen(await login(bob.username, bob.password))).toEqual(wrong);
      expect(z.control.counters().token.password.blocked).toBe(1);
    });

    it('ignores a tampered cookie', async () => {
      const { login, me } = await served();
      const cookie = cookieOf(await login(alice.username, alice.password));
      const value = decodeURIComponent(cookie.slice('zenoti_session='.length));
      const forged = `zenoti_session=${encodeURIComponent(value.replace(/^\["[^"]+"/, '["someone-else"'))}`;
      expect(forged).not.toBe(cookie);
      expect((await me(forged)).status).toBe(401);
      expect((await me(cookie)).status).toBe(200);
    });

    it('signs out: revokes at Zenoti and deletes the cookie; the old cookie then signs no one in', async () => {
      const { z, url, login, me, post } = await served();
      const cookie = cookieOf(await login(alice.username, alice.password));
      const crossSite = await post('/auth/logout', null, { origin: 'https://evil.example', cookie });
      expect(crossSite.status).toBe(403);
      const out = await post('/auth/logout', null, { origin: url, cookie });
      expect(out.status).toBe(200);
      expect(await out.json()).toEqual({ signedOut: true, revoked: true });
      expect(out.headers.get('set-cookie')).toMatch(
        /^zenoti_session=; Max-Age=0; Path=\/; HttpOnly; SameSite=Lax$/,
      );
      expect(z.control.counters().revoke.ok).toBe(1);
      const after = await me(cookie);
      expect(after.status).toBe(401);
      expect(await after.json()).toMatchObject({ error: { code: 'LOGIN_REQUIRED' } });
    });
  });
}
