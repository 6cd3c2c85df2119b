import { describe, expect, it } from 'vitest';
import { MemoryTokenStore, type TokenSet, ZenotiAuth } from '../src/index.ts';
import { D, guestApp, recorder, zenoti } from './support.ts';

class WatchedStore extends MemoryTokenStore {
  readonly written: Array<{ key: string; value: TokenSet }> = [];
  override set(key: string, value: TokenSet, ttlMs: number): void {
    this.written.push({ key, value });
    super.set(key, value, ttlMs);
  }
}

describe('end-user sessions', () => {
  it('gives two logins independent tokens and stores no password', async () => {
    const z = await zenoti();
    const store = new WatchedStore();
    const auth = new ZenotiAuth(guestApp(z.url, { store }));
    const [alice, bob] = D.guests;
    const a = await auth.login({ username: alice.username, password: alice.password });
    const b = await auth.login({ username: bob.username, password: bob.password, principal: 'bob-session' });
    expect(a.principal).not.toBe(b.principal);
    expect(b.principal).toBe('bob-session');
    expect(a.userType).toBe('Guest');
    expect(a.expiresAt).toBeGreaterThan(Date.now());
    const ha = await auth.authorization({ principal: a.principal });
    const hb = await auth.authorization({ principal: b.principal });
    expect(ha).not.toBe(hb);
    const mine = await auth.fetch(`/v1/guests/${alice.guestId}`, { zenoti: { principal: a.principal } });
    expect(mine.status).toBe(200);
    const theirs = await auth.fetch(`/v1/guests/${bob.guestId}`, { zenoti: { principal: a.principal } });
    expect(theirs.status).toBe(403);
    const serialized = JSON.stringify(store.written);
    expect(serialized).not.toContain(alice.password);
    expect(serialized).not.toContain(bob.password);
    for (const { key } of store.written) expect(key).not.toContain(alice.username);
  });

  it('needs a principal when there is no service user', async () => {
    const z = await zenoti();
    const auth = new ZenotiAuth(guestApp(z.url));
    await expect(auth.authorization()).rejects.toMatchObject({ code: 'LOGIN_REQUIRED' });
    await expect(auth.authorization({ principal: 'never-logged-in' })).rejects.toMatchObject({
      code: 'LOGIN_REQUIRED',
    });
    expect(z.control.counters().token.total).toBe(0);
  });

  it('rejects a wrong end-user password with CREDENTIALS_REJECTED', async () => {
    const z = await zenoti();
    const auth = new ZenotiAuth(guestApp(z.url));
    await expect(auth.login({ username: D.guests[0].username, password: 'wrong' })).rejects.toMatchObject({
      code: 'CREDENTIALS_REJECTED',
      status: 401,
    });
  });

  it('logout() revokes at Zenoti and forgets the session', async () => {
    const z = await zenoti();
    const { events, onEvent } = recorder();
    const auth = new ZenotiAuth(guestApp(z.url, { onEvent }));
    const alice = D.guests[0];
    const { principal } = await auth.login({ username: alice.username, password: alice.password });
    const header = await auth.authorization({ principal });
    expect(await auth.logout(principal)).toEqual({ revoked: true });
    expect(z.control.counters().revoke.ok).toBe(1);
    await expect(auth.authorization({ principal })).rejects.toMatchObject({ code: 'LOGIN_REQUIRED' });
    const direct = await fetch(`${z.url}/v1/guests/${alice.guestId}`, { headers: { authorization: header } });
    expect(direct.status).toBe(401);
    expect(events.some((e) => e.type === 'invalidated' && e.reason === 'logout')).toBe(true);
  });

  it('revoke() ends the app’s own token', async () => {
    const z = await zenoti();
    const auth = new ZenotiAuth({
      baseUrl: z.url,
      app: { accountName: D.accountName, ...D.employeeApp },
      user: { ...D.employee },
      store: new MemoryTokenStore(),
    });
    const header = await auth.authorization();
    expect(await auth.revoke()).toEqual({ revoked: true });
    const direct = await fetch(`${z.url}/v1/centers`, { headers: { authorization: header } });
    expect(direct.status).toBe(401);
    expect(await auth.authorization()).not.toBe(header);
  });

  it('revoke() without a service user or with an API key has nothing to revoke', async () => {
    const z = await zenoti();
    expect(await new ZenotiAuth(guestApp(z.url)).revoke()).toEqual({ revoked: false });
    expect(await new ZenotiAuth({ apiKey: D.apiKey, baseUrl: z.url }).revoke()).toEqual({ revoked: false });
    expect(z.control.counters().revoke.total).toBe(0);
  });

  it.each([
    ['text/plain "true"', { kind: 'raw', status: 200, contentType: 'text/plain', body: 'true' }],
    ['204 with no body', { kind: 'raw', status: 204, contentType: 'text/plain', body: '' }],
    ['an HTML page', { kind: 'raw', status: 200, contentType: 'text/html', body: '<html>ok</html>' }],
    ['202 with a JSON object', { kind: 'raw', status: 202, contentType: 'application/json', body: '{}' }],
  ] as const)('reports a revoke as done for any 2xx: %s', async (_name, answer) => {
    const z = await zenoti();
    const { events, onEvent } = recorder();
    const auth = new ZenotiAuth(guestApp(z.url, { onEvent }));
    const alice = D.guests[0];
    const { principal } = await auth.login({ username: alice.username, password: alice.password });
    z.control.injectFault('revoke', answer, 1);
    expect(await auth.logout(principal)).toEqual({ revoked: true });
    expect(events.filter((e) => e.type === 'error')).toEqual([]);
  });

  it('does not report a revoke as done when a 2xx JSON body reports an error', async () => {
    const z = await zenoti();
    const { events, onEvent } = recorder();
    const auth = new ZenotiAuth(guestApp(z.url, { onEvent }));
    const alice = D.guests[0];
    const { principal } = await auth.login({ username: alice.username, password: alice.password });
    z.control.injectFault(
      'revoke',
      {
        kind: 'raw',
        status: 200,
        contentType: 'application/json',
        body: '{"error":{"code":500,"message":"Could not revoke"}}',
      },
      1,
    );
    expect(await auth.logout(principal)).toEqual({ revoked: false });
    expect(events.some((e) => e.type === 'error' && e.error.code === 'TOKEN_ENDPOINT')).toBe(true);
    await expect(auth.authorization({ principal })).rejects.toMatchObject({ code: 'LOGIN_REQUIRED' });
  });
});
