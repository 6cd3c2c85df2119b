import { ZenotiAuthError } from '@zenoti-auth/core';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { type ZenotiAuthEnv, type ZenotiHonoOptions, zenotiAuth } from '../src/index.ts';
import { zenotiSignIn } from '../src/sign-in.ts';
import { D, serviceUser, type Zenoti, zenoti } from './support.ts';

const SECRET = 'test-session-secret-0123456789abcdef';
const THERAPIST = { username: 'therapist.tina', password: 'Tina-Pass-1' };

/**
 * The combination `{ app, user, principal }`: the employee app with its service user, and
 * employees signing in with their own login. GET /centers calls Zenoti with `c.var.zenoti`.
 */
async function mixedApp(extra: Pick<ZenotiHonoOptions, 'principalFallback'> = {}) {
  const z = await zenoti();
  z.control.addUser(D.accountName, { ...THERAPIST, userType: 'Employee' });
  const signIn = zenotiSignIn({ cookie: { secret: SECRET, secure: false } });
  const employees = zenotiAuth({ ...serviceUser(z.url), principal: signIn.principal, ...extra });
  const app = new Hono<ZenotiAuthEnv>();
  app.post('/auth/login', employees, signIn.login);
  app.get('/centers', employees, async (c) => {
    const res = await c.var.zenoti.fetch('/v1/centers');
    return c.json({ status: res.status, principal: c.var.zenoti.principal ?? null });
  });
  app.get('/header', employees, async (c) => c.text(await c.var.zenoti.authorization()));
  return { z, app };
}

async function signedInCookie(app: Hono<ZenotiAuthEnv>): Promise<string> {
  const res = await app.request('/auth/login', {
    method: 'POST',
    body: new URLSearchParams(THERAPIST),
    headers: { origin: 'http://localhost' },
  });
  expect(res.status).toBe(200);
  return (res.headers.get('set-cookie') ?? '').split(';')[0] as string;
}

/** Token calls and resource calls made with the service user's login (`api.user`). */
function serviceUserCalls(z: Zenoti): number {
  const { token, resources } = z.control.counters();
  return token.total + resources.total;
}

async function expectRefused(res: Response): Promise<void> {
  expect(res.status).toBe(401);
  expect(await res.json()).toEqual({
    error: {
      code: 'LOGIN_REQUIRED',
      message: 'Sign-in required: the Zenoti session has ended or never began.',
    },
  });
}

describe('zenotiAuth({ app, user, principal }): no silent fall-back to the service user', () => {
  it('answers 401 without a session cookie, and never mints or sends the service user token', async () => {
    const { z, app } = await mixedApp();
    await expectRefused(await app.request('/centers'));
    await expectRefused(await app.request('/header'));
    expect(serviceUserCalls(z)).toBe(0);
  });

  it('answers 401 for a tampered session cookie', async () => {
    const { z, app } = await mixedApp({ principalFallback: 'refuse' });
    const cookie = await signedInCookie(app);
    z.control.resetCounters();
    const tampered = `${cookie.slice(0, -6)}AAAAA=`;
    expect(tampered).not.toBe(cookie);
    await expectRefused(await app.request('/centers', { headers: { cookie: tampered } }));
    expect(serviceUserCalls(z)).toBe(0);
    // The intact cookie still works, with the employee's own token.
    const own = await app.request('/centers', { headers: { cookie } });
    expect(await own.json()).toMatchObject({ status: 200, principal: expect.any(String) });
    expect(z.control.counters().token.total).toBe(0);
  });

  it('answers 401 for an expired session (its tokens expired at Zenoti), with or without the fall-back', async () => {
    for (const principalFallback of ['refuse', 'service-user'] as const) {
      const { z, app } = await mixedApp({ principalFallback });
      const cookie = await signedInCookie(app);
      z.control.advanceTime(91 * 86_400_000); // past the refresh token's 90 days
      z.control.resetCounters();
      await expectRefused(await app.request('/centers', { headers: { cookie } }));
      // No password grant for the service user, and nothing answered with data.
      expect(z.control.counters().token.password.ok).toBe(0);
      expect(z.control.counters().resources.byStatus['200']).toBeUndefined();
    }
  });

  it("sends the service user's token for a visitor without a session only with principalFallback: 'service-user'", async () => {
    const { z, app } = await mixedApp({ principalFallback: 'service-user' });
    const res = await app.request('/centers');
    expect(await res.json()).toEqual({ status: 200, principal: null });
    expect(z.control.counters().token.password.ok).toBe(1);
    expect(z.control.requests().at(-1)?.authorization).toMatch(/^bearer …/);
  });

  it('rejects a bad principalFallback at start-up', () => {
    let error: unknown;
    try {
      zenotiAuth({ apiKey: D.apiKey, principal: () => undefined, principalFallback: 'anonymous' as never });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ZenotiAuthError);
    expect(error).toMatchObject({ code: 'INVALID_OPTIONS', field: 'principalFallback' });
  });
});
