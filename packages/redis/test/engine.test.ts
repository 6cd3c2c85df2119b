import { type TokenSet, ZenotiAuth, type ZenotiAuthEvent } from '@zenoti-auth/core';
import { describe, expect, it } from 'vitest';
import { encryption } from '../src/encryption.ts';
import {
  CLIENT_KINDS,
  client,
  D,
  ioredis,
  keysUnder,
  redisStore,
  serviceUser,
  storeKeyOf,
  uniquePrefix,
  until,
  zenoti,
} from './support.ts';

const KEY = 'engine-test encryption key, long enough';

describe.each(CLIENT_KINDS)('ZenotiAuth on RedisTokenStore (%s)', (kind) => {
  it('shares one password grant and one refresh between engines that share only Redis', async () => {
    const z = await zenoti({ accessTokenTtlMs: 2_000 });
    const prefix = uniquePrefix();
    // Separate stores on separate connections: nothing shared in memory, as in separate processes.
    const engines = await Promise.all(
      Array.from({ length: 4 }, async () => {
        const { store } = redisStore({ client: await client(kind), prefix });
        return new ZenotiAuth(serviceUser(z.url, { store }));
      }),
    );
    const first = await Promise.all(
      engines.flatMap((auth) => Array.from({ length: 25 }, () => auth.authorization())),
    );
    expect(new Set(first).size).toBe(1);
    expect(z.control.counters().token.total).toBe(1);

    await until(async () => (await engines[0]?.authorization()) !== first[0], 5_000, 'the refresh');
    const second = await Promise.all(
      engines.flatMap((auth) => Array.from({ length: 25 }, () => auth.authorization())),
    );
    expect(new Set(second).size).toBe(1);
    const counters = z.control.counters().token;
    expect(counters.password.ok).toBe(1);
    expect(counters.refresh.ok).toBe(1);
    expect(counters.total).toBe(2);
  });
});

describe('encryption at rest with a real engine', () => {
  it('leaves no access or refresh token in plain text anywhere under the prefix', async () => {
    const z = await zenoti({ accessTokenTtlMs: 1_500 });
    const prefix = uniquePrefix();
    const { store } = redisStore({ client: ioredis(), prefix, encryption: encryption(KEY) });
    const events: ZenotiAuthEvent[] = [];
    const auth = new ZenotiAuth(serviceUser(z.url, { store, onEvent: (e) => events.push(e) }));
    // A service-user token, refreshed once, and an end user's session: three sets written, two keys.
    const before = await auth.authorization();
    z.control.setAccessTokenTtl(86_400_000); // the refreshed set then lives: versions stay put
    await until(async () => (await auth.authorization()) !== before, 5_000, 'the refresh');
    const { principal } = await auth.login({ ...D.employee });
    expect((await auth.fetch('/v1/centers', { zenoti: { principal } })).status).toBe(200);

    const admin = ioredis();
    const keys = (await keysUnder(prefix)).filter(
      (k) => !k.endsWith(':lock') && !k.endsWith('lock-released'),
    );
    expect(keys).toHaveLength(2);
    const sets: TokenSet[] = [];
    for (const key of keys) {
      const set = await store.get(storeKeyOf(prefix, key)); // decrypted through the store
      if (set) sets.push(set);
    }
    expect(sets).toHaveLength(2);
    // The session and the refreshed service token (the session, signed in last, has the higher version).
    const current = await auth.authorization();
    const [service, session] = [...sets].sort((a, b) => a.version - b.version);
    expect(`bearer ${service?.accessToken}`).toBe(current);
    expect(session?.accessToken).not.toBe(service?.accessToken);
    const secrets = sets.flatMap((s) => [s.accessToken, s.refreshToken ?? '']).filter(Boolean);
    expect(secrets).toHaveLength(4);
    for (const key of await keysUnder(prefix)) {
      const raw = (await admin.get(key)) ?? '';
      for (const secret of secrets) {
        expect(raw).not.toContain(secret);
        expect(raw).not.toContain(secret.slice(-24)); // not even a recognisable tail
      }
    }
    expect(JSON.stringify(events)).not.toMatch(/AN:demo-spa\|/);
  });

  it('stores tokens in plain text without encryption (the scan above does catch them)', async () => {
    const z = await zenoti();
    const prefix = uniquePrefix();
    const { store } = redisStore({ client: ioredis(), prefix });
    const auth = new ZenotiAuth(serviceUser(z.url, { store }));
    const header = await auth.authorization();
    const [key] = await keysUnder(prefix);
    expect(await ioredis().get(key ?? '')).toContain(header.slice('bearer '.length));
  });
});

describe('a refresh lock held elsewhere past the deadline', () => {
  it('serves the live token instead of a second refresh, and refreshes behind it once the lock is free', async () => {
    let now = Date.now();
    const clock = (): number => now;
    const z = await zenoti({ now: clock, accessTokenTtlMs: 60 * 60_000 });
    const prefix = uniquePrefix();
    const { store } = redisStore({ client: ioredis(), prefix });
    const events: ZenotiAuthEvent[] = [];
    const auth = new ZenotiAuth(
      serviceUser(z.url, {
        store,
        now: clock,
        refreshWindowMs: 5 * 60_000,
        retry: { retries: 0, deadlineMs: 400 },
        onEvent: (e) => events.push(e),
      }),
    );
    const first = await auth.authorization();
    const [setKey] = (await keysUnder(prefix)).filter(
      (k) => !k.endsWith(':lock') && !k.endsWith('lock-released'),
    );
    // "Another process" takes the refresh lock and keeps it, as one whose refresh hangs would.
    const { store: other } = redisStore({ client: ioredis(), prefix });
    const held = await other.lock(`${storeKeyOf(prefix, setKey as string)}:lock`, { ttlMs: 30_000 });
    expect(held).toBeDefined();

    now += 56 * 60_000; // 4 minutes left: inside the refresh window
    expect(await auth.authorization()).toBe(first); // after waiting at most 400 ms for the lock
    expect(z.control.counters().token.total).toBe(1);
    expect(events.some((e) => e.type === 'warning' && /refresh lock is held elsewhere/.test(e.message))).toBe(
      true,
    );

    await held?.release();
    now += 401; // past the pause: the next caller is served and the refresh runs behind it
    expect(await auth.authorization()).toBe(first);
    await until(
      () => z.control.counters().token.refresh.ok === 1,
      5_000,
      'the refresh behind the live token',
    );
    expect(await auth.authorization()).not.toBe(first);
    expect(z.control.counters().token.total).toBe(2);
  });
});
