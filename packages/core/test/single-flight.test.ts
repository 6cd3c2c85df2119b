import { describe, expect, it } from 'vitest';
import { MemoryTokenStore, ZenotiAuth } from '../src/index.ts';
import { D, recorder, serviceUser, zenoti } from './support.ts';

describe('single flight', () => {
  it('makes exactly one password grant for 500 concurrent callers on a cold start', async () => {
    const z = await zenoti();
    const { events, onEvent } = recorder();
    const auth = new ZenotiAuth(serviceUser(z.url, { onEvent }));
    const headers = await Promise.all(Array.from({ length: 500 }, () => auth.authorization()));
    expect(new Set(headers).size).toBe(1);
    expect(headers[0]).toMatch(/^bearer AN:demo-spa\|/);
    const counters = z.control.counters().token;
    expect(counters.password.ok).toBe(1);
    expect(counters.total).toBe(1);
    const tokenEvents = events.filter((e) => e.type === 'token');
    expect(tokenEvents).toHaveLength(1);
    expect(tokenEvents[0]).toMatchObject({ grant: 'password', principal: undefined });
  });

  it('shares one token and one grant between two instances with the same credentials', async () => {
    const z = await zenoti();
    const store = new MemoryTokenStore();
    const a = new ZenotiAuth(serviceUser(z.url, { store }));
    const b = new ZenotiAuth(serviceUser(z.url, { store }));
    const [ha, hb] = await Promise.all([a.authorization(), b.authorization()]);
    expect(ha).toBe(hb);
    expect(z.control.counters().token.total).toBe(1);
  });

  it('shares through the process-wide default store when no store is given', async () => {
    const z = await zenoti();
    const options = {
      baseUrl: z.url,
      app: { accountName: D.accountName, ...D.employeeApp },
      user: { ...D.employee },
    };
    const a = new ZenotiAuth(options);
    const b = new ZenotiAuth({ ...options, app: { ...options.app }, user: { ...options.user } });
    const headers = await Promise.all([a.authorization(), b.authorization(), a.authorization()]);
    expect(new Set(headers).size).toBe(1);
    expect(z.control.counters().token.total).toBe(1);
  });

  it('keeps a wrong password from picking up the token that the right one obtained', async () => {
    const z = await zenoti();
    const store = new MemoryTokenStore();
    const right = new ZenotiAuth(serviceUser(z.url, { store }));
    await right.authorization();
    const wrong = new ZenotiAuth(
      serviceUser(z.url, { store, user: { username: D.employee.username, password: 'nope' } }),
    );
    await expect(wrong.authorization()).rejects.toMatchObject({ code: 'CREDENTIALS_REJECTED' });
  });
});

describe('settled-state sharing (shareInFlight: false, for Workers)', () => {
  it('still makes one grant for 200 concurrent callers, who wait by polling the store', async () => {
    const z = await zenoti();
    z.control.setLatency(100, 'token');
    const auth = new ZenotiAuth(serviceUser(z.url, { shareInFlight: false }));
    const headers = await Promise.all(Array.from({ length: 200 }, () => auth.authorization()));
    expect(new Set(headers).size).toBe(1);
    expect(z.control.counters().token.total).toBe(1);
  });

  it('lets a poller take over when the flight it waits for fails, without a storm', async () => {
    const z = await zenoti();
    const auth = new ZenotiAuth(serviceUser(z.url, { shareInFlight: false, retry: { retries: 0 } }));
    z.control.injectFault('token', { kind: 'status', status: 503 }, 1);
    const results = await Promise.allSettled(Array.from({ length: 50 }, () => auth.authorization()));
    const ok = results.filter((r) => r.status === 'fulfilled');
    expect(ok.length).toBeGreaterThanOrEqual(49);
    expect(z.control.counters().token.total).toBe(2);
  });
});

describe('peekAuthorization()', () => {
  it('answers synchronously only when no wait is needed', async () => {
    const z = await zenoti();
    const auth = new ZenotiAuth(serviceUser(z.url));
    expect(auth.peekAuthorization()).toBeUndefined();
    const header = await auth.authorization();
    expect(auth.peekAuthorization()).toBe(header);
    expect(auth.peekAuthorization({ principal: 'someone' })).toBeUndefined();
    expect(new ZenotiAuth({ apiKey: D.apiKey, baseUrl: z.url }).peekAuthorization()).toBe(
      `apikey ${D.apiKey}`,
    );
    z.control.expireAccessTokens();
    await auth.invalidate(header);
    expect(auth.peekAuthorization()).toBeUndefined();
  });
});
