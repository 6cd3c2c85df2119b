import { describe, expect, it } from 'vitest';
import { healthOf } from '../src/health/index.ts';
import { MemoryTokenStore, type TokenSet, ZenotiAuth } from '../src/index.ts';
import { D, guestApp, serviceUser, TestClock, zenoti } from './support.ts';

const HOUR = 60 * 60_000;
const retry = { retries: 1, minDelayMs: 5, maxDelayMs: 10, deadlineMs: 2_000 };

/** What the mock Zenoti counted: token calls and resource calls. */
function counted(z: Awaited<ReturnType<typeof zenoti>>): { token: number; resources: number } {
  const { token, resources } = z.control.counters();
  return { token: token.total, resources: resources.total };
}

/** A token store that keeps every token it was given, to look for them where they must not be. */
class KeepingStore extends MemoryTokenStore {
  readonly tokens: string[] = [];
  override set(key: string, value: TokenSet, ttlMs: number): void {
    this.tokens.push(value.accessToken, ...(value.refreshToken ? [value.refreshToken] : []));
    super.set(key, value, ttlMs);
  }
}

describe('healthOf(engine, { probe: true })', () => {
  it('no call without it; with it exactly one: the token grant when one is due, else a small read', async () => {
    const z = await zenoti();
    const auth = new ZenotiAuth(serviceUser(z.url));
    for (let i = 0; i < 3; i++) await healthOf(auth);
    expect(counted(z)).toEqual({ token: 0, resources: 0 });

    const first = await healthOf(auth, { probe: true });
    expect(counted(z)).toEqual({ token: 1, resources: 0 });
    expect(first).toMatchObject({ status: 'ok', checks: { probe: { status: 'ok', call: 'token' } } });
    expect(first.checks.credential.lastSuccess).toBeTypeOf('number');

    const second = await healthOf(auth, { probe: true });
    expect(counted(z)).toEqual({ token: 1, resources: 1 });
    expect(second.checks.probe).toMatchObject({ status: 'ok', call: 'read', httpStatus: 200 });
    expect(z.control.requests().at(-1)?.path).toBe('/v1/centers');
    expect(z.control.counters().revoke.total).toBe(0);
  });

  it('an API key: one read; a revoked key makes it down with UNAUTHORIZED', async () => {
    const z = await zenoti();
    const auth = new ZenotiAuth({ baseUrl: z.url, apiKey: D.apiKey });
    const ok = await healthOf(auth, { probe: true });
    expect(ok).toMatchObject({
      ok: true,
      checks: { probe: { status: 'ok', call: 'read', httpStatus: 200 } },
    });
    expect(counted(z)).toEqual({ token: 0, resources: 1 });
    z.control.revokeApiKey(D.apiKey);
    const down = await healthOf(auth, { probe: true });
    expect(down).toMatchObject({
      ok: false,
      status: 'down',
      checks: { probe: { status: 'down', code: 'UNAUTHORIZED' }, credential: { status: 'down' } },
    });
    expect(counted(z)).toEqual({ token: 0, resources: 2 });
  });

  it('a wrong password: the grant is the one call, and the probe is down with CREDENTIALS_REJECTED', async () => {
    const z = await zenoti();
    const auth = new ZenotiAuth(serviceUser(z.url, { user: { ...D.employee, password: 'Wrong-Pass-1' } }));
    const { status, checks } = await healthOf(auth, { probe: true });
    expect(status).toBe('down');
    expect(checks.probe).toMatchObject({ status: 'down', call: 'token', code: 'CREDENTIALS_REJECTED' });
    expect(counted(z)).toEqual({ token: 1, resources: 0 });
  });

  it('a read Zenoti answers 500: the probe is degraded with the status', async () => {
    const clock = new TestClock();
    const z = await zenoti({ now: clock.now });
    const auth = new ZenotiAuth(serviceUser(z.url, { now: clock.now, retry }));
    await auth.authorization();
    z.control.injectFault('resource', { kind: 'status', status: 500 });
    const { status, checks } = await healthOf(auth, { probe: true });
    expect(status).toBe('degraded');
    expect(checks.probe).toMatchObject({ status: 'degraded', call: 'read', httpStatus: 500 });
  });

  it('with shareInFlight: false (Workers) it never waits on another request’s refresh', async () => {
    const clock = new TestClock();
    const z = await zenoti({ now: clock.now, accessTokenTtlMs: HOUR });
    const auth = new ZenotiAuth(
      serviceUser(z.url, {
        now: clock.now,
        shareInFlight: false,
        timeoutMs: 1_000,
        retry: { retries: 0, deadlineMs: 2_000 },
        onEvent: () => undefined,
      }),
    );
    const first = await auth.authorization();
    clock.advance(56 * 60_000); // inside the 5-minute refresh window
    z.control.injectFault('token', { kind: 'status', status: 503 });
    expect(await auth.authorization()).toBe(first); // ridden out
    clock.advance(5_000); // the ride's next try is due
    z.control.injectFault('token', { kind: 'hang' });
    const elsewhere = auth.authorization(); // another request's refresh, which hangs
    await new Promise((resolve) => setTimeout(resolve, 50));
    const { checks } = await healthOf(auth, { probe: true });
    expect(checks.probe).toMatchObject({ status: 'ok', call: 'read', httpStatus: 200 });
    expect(checks.probe?.ms).toBeLessThan(800);
    expect(await elsewhere).toBe(first); // its refresh timed out: the live token serves
  });

  it('an end user’s token by principal; an unknown principal is down (no session)', async () => {
    const z = await zenoti();
    const auth = new ZenotiAuth(guestApp(z.url));
    const [alice] = D.guests;
    const principal = 'session-4f6b8d1e-alice';
    await auth.login({ username: alice.username, password: alice.password, principal });
    const mine = await healthOf(auth, { principal, probe: true });
    expect(mine).toMatchObject({
      status: 'ok',
      checks: { token: { present: true }, probe: { status: 'ok', call: 'read' } },
    });
    expect(JSON.stringify(mine)).not.toContain(principal);
    const gone = await healthOf(auth, { principal: 'session-nobody' });
    expect(gone).toMatchObject({ ok: false, checks: { token: { status: 'down', present: false } } });
    // The app has no service user: no token of its own to show, and nothing to probe with.
    expect((await healthOf(auth)).checks.token).toMatchObject({ status: 'ok', present: false });
    await expect(healthOf(auth, { probe: true })).rejects.toMatchObject({
      code: 'INVALID_OPTIONS',
      field: 'health.probe',
    });
  });

  it('bad options are INVALID_OPTIONS naming the field', async () => {
    const z = await zenoti();
    const auth = new ZenotiAuth(serviceUser(z.url));
    const bad = (options: unknown) => healthOf(auth, options as never);
    await expect(bad('yes')).rejects.toMatchObject({ code: 'INVALID_OPTIONS', field: 'health.options' });
    await expect(bad({ probe: 'yes' })).rejects.toMatchObject({ field: 'health.probe' });
    await expect(bad({ principal: '' })).rejects.toMatchObject({ field: 'health.principal' });
  });

  it('is INVALID_OPTIONS for anything but an engine (health.engine)', async () => {
    for (const notAnEngine of [undefined, null, {}, { health: () => ({ ok: true }) }])
      await expect(healthOf(notAnEngine as never)).rejects.toMatchObject({
        code: 'INVALID_OPTIONS',
        field: 'health.engine',
      });
  });
});

describe('healthOf() holds no secret', () => {
  it('no password, app secret, API key, token or principal in JSON.stringify(health), ok or failing', async () => {
    const clock = new TestClock();
    const z = await zenoti({ now: clock.now, accessTokenTtlMs: HOUR });
    const store = new KeepingStore();
    const auth = new ZenotiAuth(serviceUser(z.url, { store, now: clock.now, retry }));
    const guests = new ZenotiAuth(guestApp(z.url, { store, now: clock.now }));
    const [alice] = D.guests;
    const principal = 'principal-7c1d2e3f';
    await guests.login({ username: alice.username, password: alice.password, principal });
    const keyed = new ZenotiAuth({ baseUrl: z.url, apiKey: D.apiKey });
    const seen = [
      await healthOf(auth, { probe: true }),
      await healthOf(auth, { probe: true }),
      await healthOf(guests, { principal, probe: true }),
      await healthOf(keyed, { probe: true }),
    ];
    clock.advance(HOUR + 1);
    z.control.setPassword(D.accountName, D.employee.username, 'Changed-Pass-2');
    z.control.injectFault('token', { kind: 'status', status: 401 });
    seen.push(await healthOf(auth, { probe: true }), await healthOf(auth));
    expect(seen.at(-1)?.status).toBe('down');
    const text = JSON.stringify(seen);
    expect(store.tokens.length).toBeGreaterThanOrEqual(4);
    const secrets = [
      D.employee.password,
      'Changed-Pass-2',
      D.employeeApp.appSecret,
      D.guestApp.appSecret,
      alice.password,
      D.apiKey,
      principal,
      ...store.tokens,
    ];
    for (const secret of secrets) expect(text).not.toContain(secret);
  });
});
