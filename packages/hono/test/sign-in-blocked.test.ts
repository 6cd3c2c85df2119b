import { inspect } from 'node:util';
import { Hono } from 'hono';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type ZenotiAuthEnv, type ZenotiErrorLog, zenotiAuth } from '../src/index.ts';
import { type ZenotiSignInOptions, zenotiSignIn } from '../src/sign-in.ts';
import { D, guestApp, SECRETS, type Zenoti, zenoti } from './support.ts';

// Zenoti evaluates a login policy only once the password is right, so an answer of its own to a
// blocked sign-in would confirm the password to whoever is guessing. By default it is answered as a
// wrong password (status, body, headers, limit), and the real reason goes to the server's log.

const SECRET = 'test-session-secret-0123456789abcdef';
const [alice, bob] = D.guests;

afterEach(() => {
  vi.restoreAllMocks();
});

function signInApp(z: Zenoti, extra: Partial<ZenotiSignInOptions> = {}, log?: ZenotiErrorLog[]) {
  const signIn = zenotiSignIn({
    cookie: { secret: SECRET, secure: false },
    limit: { perUsername: 2 },
    ...extra,
  });
  const onError = log && ((entry: ZenotiErrorLog) => void log.push(entry));
  const guests = zenotiAuth({ ...guestApp(z.url), principal: signIn.principal, onError });
  const app = new Hono<ZenotiAuthEnv>();
  app.post('/auth/login', guests, signIn.login);
  return app;
}

function login(app: Hono<ZenotiAuthEnv>, username: string, password: string) {
  return app.request('/auth/login', {
    method: 'POST',
    body: new URLSearchParams({ username, password }),
    headers: { origin: 'http://localhost' },
  });
}

/** Everything a client can see of an answer. */
async function seen(res: Response) {
  return { status: res.status, headers: [...res.headers], body: await res.text() };
}

/** Bob's sign-ins are blocked by his organisation's policy (his password is right). */
async function blockedBob() {
  const z = await zenoti();
  z.control.setLoginPolicy(D.accountName, bob.username, { allowLogin: false, policyAction: 'TwoFactor' });
  return z;
}

describe('zenotiSignIn(): a sign-in the login policy blocks', () => {
  it('is answered exactly as a wrong password by default, and charged as one', async () => {
    const z = await blockedBob();
    const log: ZenotiErrorLog[] = [];
    const app = signInApp(z, {}, log);
    const wrong = [
      await seen(await login(app, alice.username, 'not-her-password')),
      await seen(await login(app, alice.username, 'x')),
    ];
    const blocked = [
      await seen(await login(app, bob.username, bob.password)),
      await seen(await login(app, bob.username, bob.password)),
    ];
    expect(z.control.counters().token.password.blocked).toBe(2);
    expect(blocked).toEqual(wrong);
    expect(blocked[0]?.status).toBe(401);
    // The same budget: perUsername 2, then 429 for both, with the same wait.
    const [wrongLimited, blockedLimited] = [
      await login(app, alice.username, alice.password),
      await login(app, bob.username, bob.password),
    ];
    expect(await seen(blockedLimited)).toEqual(await seen(wrongLimited));
    expect(blockedLimited.status).toBe(429);

    // The server's log has the real reason, once per blocked sign-in; no wrong password is logged.
    expect(log).toHaveLength(2);
    for (const entry of log) {
      expect(entry).toMatchObject({ status: 401, code: 'CREDENTIALS_REJECTED' });
      expect(entry.message).toMatch(/login policy blocked .*policy action: "TwoFactor"/);
      expect(entry.error.cause?.code).toBe('LOGIN_BLOCKED');
      for (const secret of [...SECRETS, bob.username])
        expect(inspect(entry, { depth: 5 })).not.toContain(secret);
    }
  });

  it('is one console.error line by default (no password in it)', async () => {
    const z = await blockedBob();
    const lines: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((line: unknown) => void lines.push(String(line)));
    const app = signInApp(z);
    expect((await login(app, bob.username, bob.password)).status).toBe(401);
    expect((await login(app, alice.username, 'not-her-password')).status).toBe(401);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^\[@zenoti-auth\/hono\] POST \/auth\/login answered 401 CREDENTIALS_REJECTED: .*login policy blocked/,
    );
    for (const secret of SECRETS) expect(lines[0]).not.toContain(secret);
  });

  it('revealBlockedLogin: true answers 403 LOGIN_BLOCKED, still charged as a failure', async () => {
    const z = await blockedBob();
    const app = signInApp(z, { revealBlockedLogin: true });
    const first = await login(app, bob.username, bob.password);
    expect(first.status).toBe(403);
    expect(await first.json()).toEqual({
      error: {
        code: 'LOGIN_BLOCKED',
        message: "Your organisation's sign-in policy does not allow this sign-in here.",
      },
    });
    expect((await login(app, bob.username, bob.password)).status).toBe(403);
    expect((await login(app, bob.username, bob.password)).status).toBe(429);
    expect(z.control.counters().token.password.blocked).toBe(2);
  });
});
