import { setTimeout as sleep } from 'node:timers/promises';
import type { ZenotiAuthOptions } from '@zenoti-auth/core';
import { Hono } from 'hono';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type ZenotiAuthEnv, zenotiAuth } from '../src/index.ts';
import { type ZenotiSignInOptions, zenotiSignIn } from '../src/sign-in.ts';
import { D, guestApp, serviceUser, type Zenoti, zenoti } from './support.ts';

// Zenoti locks a login after 5 wrong passwords within a rolling period (15 minutes by default). The
// sign-in limit must never let a 5th one through within that period, however they are spread.
// Scaled down here: Zenoti locks after 5 in 2 s; the limit allows 4, remembered 2 s after the last.

const SECRET = 'test-session-secret-0123456789abcdef';
const [alice] = D.guests;
const LOCKOUT = { attempts: 5, windowMs: 2_000, unlockAfterMs: 60_000 };
const LIMIT = { perUsername: 4, windowSeconds: 2 };

function signInApp(engine: ZenotiAuthOptions, extra: Partial<ZenotiSignInOptions> = {}) {
  const signIn = zenotiSignIn({ cookie: { secret: SECRET, secure: false }, limit: LIMIT, ...extra });
  const app = new Hono<ZenotiAuthEnv>();
  const users = zenotiAuth({ ...engine, principal: signIn.principal, principalFallback: 'service-user' });
  app.post('/auth/login', users, signIn.login);
  // The app's own call with the service user's token (an employee app with a service user).
  app.get('/centers', users, async (c) =>
    c.json({}, (await c.var.zenoti.fetch('/v1/centers')).status as 200),
  );
  return app;
}

function login(app: Hono<ZenotiAuthEnv>, username: string, password: string) {
  return app.request('/auth/login', {
    method: 'POST',
    body: new URLSearchParams({ username, password }),
    headers: { origin: 'http://localhost' },
  });
}

/** Statuses of `count` sign-ins, one after the other. */
async function statuses(app: Hono<ZenotiAuthEnv>, username: string, password: string, count: number) {
  const answers: Response[] = [];
  for (let i = 0; i < count; i++) answers.push(await login(app, username, password));
  return answers;
}

/** Password grants that reached Zenoti. */
const passwordGrants = (z: Zenoti): number => {
  const { ok, rejected, invalid, blocked } = z.control.counters().token.password;
  return ok + rejected + invalid + blocked;
};

afterEach(() => {
  vi.restoreAllMocks();
});

describe('zenotiSignIn(): no pattern of failures locks a Zenoti account', () => {
  it('1 wrong password, 3 at +1.7 s, 2 at +2.08 s: 4 reach Zenoti, none locks, the right password then works', async () => {
    const z = await zenoti({ lockout: LOCKOUT });
    const app = signInApp(guestApp(z.url));
    const start = Date.now();
    const at = (ms: number) => sleep(Math.max(0, start + ms - Date.now()));
    const first = await statuses(app, alice.username, 'wrong-1', 1);
    await at(1_700);
    const second = await statuses(app, alice.username, 'wrong-2', 3);
    await at(2_080);
    // A window counted from the first failure would have ended here and let these two reach Zenoti:
    // its 5th and 6th wrong passwords within 2 s, a locked account.
    const third = await statuses(app, alice.username, 'wrong-3', 2);
    expect([...first, ...second, ...third].map((r) => r.status)).toEqual([401, 401, 401, 401, 429, 429]);
    expect(passwordGrants(z)).toBe(4);
    expect(z.control.counters().token.lockouts).toBe(0);
    expect(z.control.lockoutStatus(D.accountName, alice.username).locked).toBe(false);

    // Blocked until 2 s after the last failure (at ~1.7 s), as Retry-After says; then she signs in.
    const wait = Number(third[1]?.headers.get('retry-after'));
    expect(wait).toBe(2);
    await sleep(wait * 1_000);
    expect((await login(app, alice.username, alice.password)).status).toBe(200);
    expect(passwordGrants(z)).toBe(5);
    expect(z.control.counters().token.lockouts).toBe(0);
  });

  it('a success clears the username: 4 more failures may follow it, and still no lock', async () => {
    const z = await zenoti({ lockout: LOCKOUT });
    const app = signInApp(guestApp(z.url));
    expect((await statuses(app, alice.username, 'wrong', 3)).map((r) => r.status)).toEqual([401, 401, 401]);
    expect((await login(app, alice.username, alice.password)).status).toBe(200); // Zenoti's count is 0 again
    const after = await statuses(app, alice.username, 'wrong', 5);
    expect(after.map((r) => r.status)).toEqual([401, 401, 401, 401, 429]);
    expect(passwordGrants(z)).toBe(8);
    expect(z.control.lockoutStatus(D.accountName, alice.username).locked).toBe(false);
  });

  it("refuses the employee app's own service username by default (any case): 0 reach Zenoti, the service user keeps working", async () => {
    const z = await zenoti({ lockout: LOCKOUT });
    const therapist = {
      username: 'therapist@example.com',
      password: 'Therapist-Pass-1',
      userType: 'Employee' as const,
    };
    z.control.addUser(D.accountName, therapist);
    const app = signInApp(serviceUser(z.url));
    const service = D.employee.username;
    const lines: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((line: unknown) => void lines.push(String(line)));
    const answers = [
      ...(await statuses(app, service, 'typed-Pa55word', 2)),
      ...(await statuses(app, service.toUpperCase(), 'typed-Pa55word', 2)),
      ...(await statuses(app, ` ${service} `, D.employee.password, 2)), // even its right password
    ];
    // Answered as wrong passwords, and charged as failures: the 5th is over the budget.
    expect(answers.map((r) => r.status)).toEqual([401, 401, 401, 401, 429, 429]);
    expect(await answers[0]?.json()).toEqual({
      error: { code: 'CREDENTIALS_REJECTED', message: 'Wrong username or password.' },
    });
    expect(passwordGrants(z)).toBe(0);
    // Each refusal is told to the server's log (zenotiAuth's onError), with no username or password.
    expect(lines).toHaveLength(4);
    for (const line of lines) {
      expect(line).toMatch(/answered 401 CREDENTIALS_REJECTED: .*service user.*allowServiceUser/);
      for (const secret of [service, D.employee.password, 'typed-Pa55word'])
        expect(line).not.toContain(secret);
    }
    expect(z.control.lockoutStatus(D.accountName, service)).toMatchObject({
      locked: false,
      failedAttempts: 0,
    });
    expect((await app.request('/centers')).status).toBe(200); // the app's own credential
    // An employee who is not the service user signs in through the same app.
    expect((await login(app, therapist.username, therapist.password)).status).toBe(200);
  });

  it('allowServiceUser: true lets it through, still within the limit: 4 of 6 reach Zenoti, no lock', async () => {
    const z = await zenoti({ lockout: LOCKOUT });
    const app = signInApp(serviceUser(z.url), { allowServiceUser: true });
    const answers = await statuses(app, D.employee.username, 'wrong', 6);
    expect(answers.map((r) => r.status)).toEqual([401, 401, 401, 401, 429, 429]);
    expect(passwordGrants(z)).toBe(4);
    expect(z.control.lockoutStatus(D.accountName, D.employee.username).locked).toBe(false);
  });
});
