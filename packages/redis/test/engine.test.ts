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
      const set = await store.get(key.slice(prefix.length)); // decrypted through the store
      if (set) sets.push(set);
    }
    expect(sets).toHaveLength(2);
    expect(sets.map((s) => s.version).sort()).toEqual([1, 2]); // the session, the refreshed service token
    expect(`bearer ${sets.find((s) => s.version === 2)?.accessToken}`).toBe(await auth.authorization());
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
