import { describe, expect, it } from 'vitest';
import { healthOf } from '../src/health/index.ts';
import { type TokenSet, type TokenStore, ZenotiAuth } from '../src/index.ts';
import { MemoryRateBudget } from '../src/rate-budget/index.ts';
import { D, serviceUser, TestClock, zenoti } from './support.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** Two attempts per token call, a 2 s deadline: a failing grant gives up quickly. */
const retry = { retries: 1, minDelayMs: 5, maxDelayMs: 10, deadlineMs: 2_000 };

/** Every call the mock Zenoti received: token calls and resource calls. */
function calls(z: Awaited<ReturnType<typeof zenoti>>): number {
  const { token, resources } = z.control.counters();
  return token.total + resources.total;
}

/** A remote-like store (as Redis is) that can be switched off, or made to hang. */
class SwitchableStore implements TokenStore {
  readonly local = false;
  mode: 'up' | 'down' | 'hang' = 'up';
  readonly data = new Map<string, TokenSet>();
  async get(key: string): Promise<TokenSet | undefined> {
    this.#check();
    if (this.mode === 'hang') return new Promise(() => undefined);
    return this.data.get(key);
  }
  async set(key: string, value: TokenSet): Promise<void> {
    this.#check();
    this.data.set(key, value);
  }
  async delete(key: string): Promise<void> {
    this.#check();
    this.data.delete(key);
  }
  #check(): void {
    if (this.mode === 'down') throw new Error('connect ECONNREFUSED 127.0.0.1:1');
  }
}

describe('healthOf(): ok', () => {
  it('a fresh engine is ok without a call: no success yet, no token, nothing sent to Zenoti', async () => {
    const z = await zenoti();
    const auth = new ZenotiAuth(serviceUser(z.url));
    const health = await healthOf(auth);
    expect(health).toMatchObject({
      ok: true,
      status: 'ok',
      checks: {
        credential: { status: 'ok', mode: 'token', lastSuccess: undefined, lastError: undefined },
        token: { status: 'ok', present: false },
        store: { status: 'ok', reachable: true, shared: false },
        budget: { status: 'ok', remaining: undefined, queued: 0 },
      },
    });
    expect(health.checks.probe).toBeUndefined();
    const apiKey = await healthOf(new ZenotiAuth({ baseUrl: z.url, apiKey: D.apiKey }));
    expect(apiKey).toMatchObject({ ok: true, status: 'ok', checks: { credential: { mode: 'apiKey' } } });
    expect(apiKey.checks.token).toBeUndefined();
    expect(calls(z)).toBe(0);
  });

  it('after a call: the token’s expiry and age, the last success, Zenoti’s window', async () => {
    const clock = new TestClock();
    const z = await zenoti({ now: clock.now, rateLimit: { limit: 60, windowSeconds: 60 } });
    const auth = new ZenotiAuth(serviceUser(z.url, { now: clock.now }));
    const obtainedAt = clock.now();
    expect((await auth.fetch('/v1/centers')).status).toBe(200);
    clock.advance(90_000);
    const { status, checks } = await healthOf(auth);
    expect(status).toBe('ok');
    expect(checks.credential.lastSuccess).toBe(obtainedAt);
    expect(checks.token).toMatchObject({ present: true, expiresAt: obtainedAt + 24 * HOUR });
    expect(checks.token?.ageMs).toBe(90_000);
    // The token call and the read: 58 of 60 left in Zenoti's window.
    expect(checks.budget.remaining).toBe(58);
    expect(checks.budget.windowEnd).toBeGreaterThan(Date.now() + 50_000);
  });
});

describe('healthOf(): down', () => {
  it('a password Zenoti rejects (401): down with CREDENTIALS_REJECTED, and ok again once it is right', async () => {
    const clock = new TestClock();
    const z = await zenoti({ now: clock.now });
    z.control.setPassword(D.accountName, D.employee.username, 'Changed-Pass-1');
    const auth = new ZenotiAuth(serviceUser(z.url, { now: clock.now, retry }));
    await expect(auth.authorization()).rejects.toMatchObject({ code: 'CREDENTIALS_REJECTED' });
    const down = await healthOf(auth);
    expect(down).toMatchObject({
      ok: false,
      status: 'down',
      checks: {
        credential: {
          status: 'down',
          lastSuccess: undefined,
          lastError: { code: 'CREDENTIALS_REJECTED', transient: false, at: clock.now() },
        },
      },
    });
    z.control.setPassword(D.accountName, D.employee.username, D.employee.password);
    clock.advance(HOUR); // past the cool-down
    await auth.authorization();
    const up = await healthOf(auth);
    expect(up.status).toBe('ok');
    expect(up.checks.credential.lastError?.code).toBe('CREDENTIALS_REJECTED'); // still told, but past
  });

  it('an expired token whose grant fails with 500s (transient): down, no usable credential', async () => {
    const clock = new TestClock();
    const z = await zenoti({ now: clock.now, accessTokenTtlMs: HOUR });
    const auth = new ZenotiAuth(serviceUser(z.url, { now: clock.now, retry }));
    await auth.authorization();
    clock.advance(HOUR + MINUTE);
    z.control.injectFault('token', { kind: 'status', status: 500 }, Number.POSITIVE_INFINITY);
    await expect(auth.authorization()).rejects.toMatchObject({ code: 'TOKEN_ENDPOINT' });
    const { status, checks } = await healthOf(auth);
    expect(status).toBe('down');
    expect(checks.credential).toMatchObject({
      status: 'down',
      lastError: { code: 'TOKEN_ENDPOINT', transient: true },
    });
    expect(checks.credential.reason).toContain('no usable credential');
  });

  it('an API key Zenoti refuses (401): down with UNAUTHORIZED until a call is accepted', async () => {
    const z = await zenoti();
    const auth = new ZenotiAuth({ baseUrl: z.url, apiKey: D.apiKey });
    expect((await auth.fetch('/v1/centers')).status).toBe(200);
    expect((await healthOf(auth)).checks.credential.lastSuccess).toBeTypeOf('number');
    z.control.revokeApiKey(D.apiKey);
    await expect(auth.fetch('/v1/centers')).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    expect(await healthOf(auth)).toMatchObject({
      ok: false,
      status: 'down',
      checks: { credential: { status: 'down', lastError: { code: 'UNAUTHORIZED', transient: false } } },
    });
  });
});

describe('healthOf(): degraded', () => {
  it('a refresh that fails with 500s while the token serves: degraded, ok after the next grant', async () => {
    const clock = new TestClock();
    const z = await zenoti({ now: clock.now, accessTokenTtlMs: HOUR });
    const quiet = { onEvent: () => undefined }; // its warnings are expected
    const auth = new ZenotiAuth(
      serviceUser(z.url, { now: clock.now, retry, refreshWindowMs: 5 * MINUTE, ...quiet }),
    );
    const first = await auth.authorization();
    clock.advance(56 * MINUTE); // inside the refresh window, still alive
    z.control.injectFault('token', { kind: 'status', status: 503 }, Number.POSITIVE_INFINITY);
    expect(await auth.authorization()).toBe(first); // ridden out
    const degraded = await healthOf(auth);
    expect(degraded).toMatchObject({
      ok: true,
      status: 'degraded',
      checks: { credential: { status: 'degraded', lastError: { code: 'TOKEN_ENDPOINT', transient: true } } },
    });
    z.control.clearFaults();
    clock.advance(5 * MINUTE); // expired: the next call renews it
    expect(await auth.authorization()).not.toBe(first);
    expect((await healthOf(auth)).status).toBe('ok');
  });

  it('a token store that fails: degraded (the engine carries on with its own copy), ok when it answers', async () => {
    const z = await zenoti();
    const store = new SwitchableStore();
    const auth = new ZenotiAuth(serviceUser(z.url, { store, onEvent: () => undefined }));
    await auth.authorization();
    store.mode = 'down';
    const degraded = await healthOf(auth);
    expect(degraded).toMatchObject({
      ok: true,
      status: 'degraded',
      checks: {
        credential: { status: 'ok' },
        token: { present: true },
        store: { status: 'degraded', reachable: false, shared: true, lastError: { message: 'Error' } },
      },
    });
    store.mode = 'up';
    await new Promise((resolve) => setTimeout(resolve, 1_100)); // an outage ends after 1 s without a failure
    expect((await healthOf(auth)).checks.store).toMatchObject({ status: 'ok', reachable: true });
  });

  it('a token store that hangs: healthOf() answers within timeoutMs, store unreachable', async () => {
    const z = await zenoti();
    const store = new SwitchableStore();
    const auth = new ZenotiAuth(serviceUser(z.url, { store, timeoutMs: 200 }));
    await auth.authorization();
    store.mode = 'hang';
    const started = Date.now();
    const { status, checks } = await healthOf(auth);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(status).toBe('degraded');
    expect(checks.store).toMatchObject({
      reachable: false,
      lastError: { message: 'no answer within 200 ms' },
    });
    expect(checks.token).toMatchObject({ present: true });
  });

  it('Zenoti’s window spent (3 calls of 3): degraded until it ends, remaining 0', async () => {
    const z = await zenoti({ rateLimit: { limit: 3, windowSeconds: 60 } });
    const auth = new ZenotiAuth({ baseUrl: z.url, apiKey: D.apiKey });
    for (let i = 0; i < 2; i++) await auth.fetch('/v1/centers');
    expect((await healthOf(auth)).checks.budget).toMatchObject({ status: 'ok', remaining: 1 });
    await auth.fetch('/v1/centers');
    const { status, checks } = await healthOf(auth);
    expect(status).toBe('degraded');
    expect(checks.budget).toMatchObject({ status: 'degraded', remaining: 0, queued: 0 });
    expect(checks.budget.windowEnd).toBeGreaterThan(Date.now() + 50_000);
  });

  it('a rate budget spent with calls waiting (half of maxQueued): degraded, then ok when they leave', async () => {
    const z = await zenoti();
    const budget = new MemoryRateBudget({ limit: 1, intervalMs: MINUTE });
    const auth = new ZenotiAuth({
      baseUrl: z.url,
      apiKey: D.apiKey,
      rateLimit: { budget, maxQueued: 4, maxWaitMs: MINUTE },
    });
    await auth.fetch('/v1/centers'); // the window's one permit
    const leave = new AbortController();
    const waiting = [1, 2].map(() => auth.fetch('/v1/centers', { signal: leave.signal }).catch(() => 'left'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect((await healthOf(auth)).checks.budget).toMatchObject({ status: 'degraded', queued: 2 });
    leave.abort();
    expect(await Promise.all(waiting)).toEqual(['left', 'left']);
    expect((await healthOf(auth)).checks.budget).toMatchObject({ status: 'ok', queued: 0 });
    expect(z.control.counters().resources.total).toBe(1);
  });
});
