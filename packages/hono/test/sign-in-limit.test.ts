import { setTimeout as sleep } from 'node:timers/promises';
import { Hono } from 'hono';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type ZenotiAuthEnv, zenotiAuth } from '../src/index.ts';
import { type ZenotiSignInOptions, zenotiSignIn } from '../src/sign-in.ts';
import { listen } from './server.ts';
import { D, guestApp, type Zenoti, zenoti } from './support.ts';

const SECRET = 'test-session-secret-0123456789abcdef';
const [alice, bob] = D.guests;

afterEach(() => {
  vi.unstubAllGlobals();
});

function signInApp(z: Zenoti, extra: Partial<ZenotiSignInOptions> = {}): Hono<ZenotiAuthEnv> {
  const signIn = zenotiSignIn({ cookie: { secret: SECRET, secure: false }, ...extra });
  const guests = zenotiAuth({ ...guestApp(z.url), principal: signIn.principal });
  const app = new Hono<ZenotiAuthEnv>();
  app.post('/auth/login', guests, signIn.login);
  return app;
}

function login(
  app: Hono<ZenotiAuthEnv>,
  username: string,
  password: string,
  headers: Record<string, string> = {},
) {
  return app.request('/auth/login', {
    method: 'POST',
    body: new URLSearchParams({ username, password }),
    headers: { origin: 'http://localhost', ...headers },
  });
}

/** Password grants Zenoti has seen: each one spends the organisation's quota. */
function tokenCalls(z: Zenoti): number {
  return z.control.counters().token.total;
}

async function expectLimited(res: Response, secrets: string[] = []): Promise<void> {
  expect(res.status).toBe(429);
  const wait = Number(res.headers.get('retry-after'));
  expect(wait).toBeGreaterThan(0);
  expect(wait).toBeLessThanOrEqual(900);
  const body = await res.text();
  expect(JSON.parse(body)).toEqual({
    error: { code: 'TOO_MANY_SIGN_INS', message: 'Too many failed sign-ins; try again later.' },
  });
  for (const secret of secrets) expect(body).not.toContain(secret);
}

describe('zenotiSignIn(): failed sign-ins are limited', () => {
  it('answers 429 with Retry-After after 4 failures for a username (any case), without calling Zenoti', async () => {
    const z = await zenoti();
    const app = signInApp(z);
    const name = alice.username; // alice@example.com
    for (const variant of [name, name.toUpperCase(), `A${name.slice(1)}`, ` ${name} `]) {
      expect((await login(app, variant, 'wrong-password')).status).toBe(401);
    }
    expect(tokenCalls(z)).toBe(4);
    // Even the right password waits: the username is locked here, before Zenoti locks the account.
    await expectLimited(await login(app, alice.username, alice.password), [alice.password]);
    await expectLimited(await login(app, 'aLiCe@Example.com', 'wrong-password'), ['wrong-password']);
    expect(tokenCalls(z)).toBe(4);
    // Another username is not affected.
    expect((await login(app, bob.username, bob.password)).status).toBe(200);
  });

  it('charges attempts before Zenoti answers: 10 concurrent wrong passwords reach Zenoti 4 times', async () => {
    const z = await zenoti();
    z.control.setLatency(50, 'token');
    const app = signInApp(z);
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => login(app, alice.username, 'wrong-password')),
    );
    expect(answers.map((r) => r.status).sort()).toEqual([401, 401, 401, 401, 429, 429, 429, 429, 429, 429]);
    expect(tokenCalls(z)).toBe(4);
  });

  it('takes back the charge of a success; it clears the username, not the address (failures stay counted)', async () => {
    const z = await zenoti();
    const app = signInApp(z, {
      limit: { perAddress: 3 },
      clientAddress: (c) => c.req.header('x-test-client'),
    });
    const from = { 'x-test-client': '198.51.100.7' };
    for (let i = 0; i < 3; i++) expect((await login(app, alice.username, 'wrong')).status).toBe(401);
    expect((await login(app, alice.username, alice.password, from)).status).toBe(200);
    // The username starts again from 0, as Zenoti's own count does after a right password.
    for (let i = 0; i < 3; i++) expect((await login(app, alice.username, 'wrong')).status).toBe(401);
    // The address keeps its failures: 2 more, then it is over its 3.
    expect((await login(app, 'u1', 'wrong', from)).status).toBe(401);
    expect((await login(app, 'u2', 'wrong', from)).status).toBe(401);
    expect((await login(app, 'u3', 'wrong', from)).status).toBe(401);
    await expectLimited(await login(app, bob.username, bob.password, from));
    expect(tokenCalls(z)).toBe(10);
  });

  it('limits failures per client address (clientAddress) across usernames; another address is not affected', async () => {
    const z = await zenoti();
    const app = signInApp(z, {
      limit: { perAddress: 3 },
      clientAddress: (c) => c.req.header('x-test-client'),
    });
    const from = (address: string) => ({ 'x-test-client': address });
    for (const name of ['u1', 'u2', 'u3']) {
      expect((await login(app, name, 'wrong', from('198.51.100.7'))).status).toBe(401);
    }
    await expectLimited(await login(app, 'u4', 'wrong', from('198.51.100.7')));
    await expectLimited(await login(app, alice.username, alice.password, from('198.51.100.7')));
    expect(tokenCalls(z)).toBe(3);
    expect((await login(app, alice.username, alice.password, from('198.51.100.8'))).status).toBe(200);
  });

  it("on Node, counts by the socket's address by default and never trusts X-Forwarded-For or CF-Connecting-IP", async () => {
    const z = await zenoti();
    const port = await listen(signInApp(z, { limit: { perAddress: 2 } }));
    const post = (username: string, spoof: string) =>
      fetch(`http://127.0.0.1:${port}/auth/login`, {
        method: 'POST',
        body: new URLSearchParams({ username, password: 'wrong' }),
        headers: {
          origin: `http://127.0.0.1:${port}`,
          'x-forwarded-for': spoof,
          'cf-connecting-ip': spoof,
          'true-client-ip': spoof,
        },
      });
    expect((await post('u1', '203.0.113.1')).status).toBe(401);
    expect((await post('u2', '203.0.113.2')).status).toBe(401);
    await expectLimited(await post('u3', '203.0.113.3'));
    expect(tokenCalls(z)).toBe(2);
  });

  it('on Cloudflare Workers, counts by CF-Connecting-IP (set by Cloudflare) by default', async () => {
    vi.stubGlobal('navigator', { userAgent: 'Cloudflare-Workers' });
    const z = await zenoti();
    const app = signInApp(z, { limit: { perAddress: 2 } });
    const from = (ip: string) => ({ 'cf-connecting-ip': ip });
    expect((await login(app, 'u1', 'wrong', from('198.51.100.7'))).status).toBe(401);
    expect((await login(app, 'u2', 'wrong', from('198.51.100.7'))).status).toBe(401);
    await expectLimited(await login(app, 'u3', 'wrong', from('198.51.100.7')));
    expect((await login(app, 'u3', 'wrong', from('198.51.100.8'))).status).toBe(401);
  });

  it('never drops a live entry: full of them, a new key gets 429 and the blocked username stays blocked', async () => {
    const z = await zenoti();
    const app = signInApp(z, {
      limit: { perUsername: 2, maxEntries: 6, windowSeconds: 2 },
      clientAddress: (c) => c.req.header('x-test-client'),
    });
    const from = (address: string) => ({ 'x-test-client': address });
    // The victim: 2 failures, blocked (2 entries: her username and the address).
    for (let i = 0; i < 2; i++)
      expect((await login(app, alice.username, 'wrong', from('203.0.113.1'))).status).toBe(401);
    await expectLimited(await login(app, alice.username, alice.password, from('203.0.113.1')));
    // Sign-ins from rotating addresses (2 new entries each) fill the other 4, then are refused.
    const rotating: number[] = [];
    for (let i = 1; i <= 8; i++)
      rotating.push((await login(app, `u${i}`, 'wrong', from(`198.51.100.${i}`))).status);
    expect(rotating).toEqual([401, 401, 429, 429, 429, 429, 429, 429]);
    expect(tokenCalls(z)).toBe(4);
    // The victim's username was not pushed out: still blocked, from any address.
    await expectLimited(await login(app, alice.username, alice.password, from('203.0.113.1')));
    await expectLimited(await login(app, alice.username, alice.password, from('198.51.100.9')));
    // Known keys are still counted; a new username from a new address waits for an entry to expire.
    expect((await login(app, 'u1', 'wrong', from('198.51.100.1'))).status).toBe(401);
    const full = await login(app, bob.username, bob.password, from('192.0.2.1'));
    await expectLimited(full);
    expect(tokenCalls(z)).toBe(5);
    // Once expired (2 s after each one's last failure), entries are dropped to make room.
    await sleep(Number(full.headers.get('retry-after')) * 1_000);
    expect((await login(app, bob.username, bob.password, from('192.0.2.1'))).status).toBe(200);
    expect((await login(app, alice.username, alice.password, from('203.0.113.1'))).status).toBe(200);
  });

  it('can be turned off with limit: false', async () => {
    // Without the mock's own lock-out (5 wrong passwords), which would answer the sixth with 423.
    const z = await zenoti({ lockout: false });
    const app = signInApp(z, { limit: false });
    for (let i = 0; i < 6; i++) expect((await login(app, alice.username, 'wrong')).status).toBe(401);
    expect(tokenCalls(z)).toBe(6);
  });
});
