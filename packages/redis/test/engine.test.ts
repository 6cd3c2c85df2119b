import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { type TokenSet, ZenotiAuth, type ZenotiAuthEvent } from '@zenoti-auth/core';
import { describe, expect, it } from 'vitest';
import { encryption } from '../src/encryption.ts';
import type { RedisTokenStoreOptions } from '../src/index.ts';
import {
  D,
  IOREDIS_MAJORS,
  ioredis,
  keysUnder,
  nodeRedis,
  REDIS_PORT,
  redisStore,
  serviceUser,
  storeKeyOf,
  uniquePrefix,
  until,
  zenoti,
} from './support.ts';

const KEY = 'engine-test encryption key, long enough';

type RedisClient = RedisTokenStoreOptions['client'];

/** The tests below, on each client: every ioredis major of the peer range (^5 || ^6), and node-redis. */
const CLIENTS: ReadonlyArray<[name: string, connect: () => Promise<RedisClient> | RedisClient]> = [
  ...IOREDIS_MAJORS.map(([major, Client]): [string, () => RedisClient] => [
    major,
    () => ioredis(REDIS_PORT, {}, Client),
  ]),
  ['node-redis', () => nodeRedis()],
];
const IOREDIS_CLIENTS = CLIENTS.filter(([name]) => name.startsWith('ioredis'));

describe('the ioredis majors under test', () => {
  it('are two different constructors, from ioredis 5.x and 6.x', () => {
    const require = createRequire(import.meta.url);
    const version = (name: string): string =>
      (require(`${name}/package.json`) as { version: string }).version;
    expect([version('ioredis'), version('ioredis6')].map((v) => v.split('.')[0])).toEqual(['5', '6']);
    const [[, five], [, six]] = IOREDIS_MAJORS;
    expect(five).not.toBe(six);
  });

  it('are the peer range and what the README names', () => {
    const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    expect(manifest.peerDependencies.ioredis).toBe('^5 || ^6');
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    expect(readme).toMatch(/\[`ioredis`\]\([^)]+\)\s+\(5\.x and 6\.x, both tested\)/);
    expect(readme).toMatch(/^\| ioredis 5 or 6 \(both tested\) \|/m);
  });
});

describe.each(CLIENTS)('ZenotiAuth on RedisTokenStore (%s)', (_name, connect) => {
  it('shares one password grant and one refresh between engines that share only Redis', async () => {
    const z = await zenoti({ accessTokenTtlMs: 2_000 });
    const prefix = uniquePrefix();
    // Separate stores on separate connections: nothing shared in memory, as in separate processes.
    const engines = await Promise.all(
      Array.from({ length: 4 }, async () => {
        const { store } = redisStore({ client: await connect(), prefix });
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

describe.each(IOREDIS_CLIENTS)('encryption at rest with a real engine (%s)', (_name, connect) => {
  it('leaves no access or refresh token in plain text anywhere under the prefix', async () => {
    const z = await zenoti({ accessTokenTtlMs: 1_500 });
    const prefix = uniquePrefix();
    const { store } = redisStore({ client: await connect(), prefix, encryption: encryption(KEY) });
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
    const { store } = redisStore({ client: await connect(), prefix });
    const auth = new ZenotiAuth(serviceUser(z.url, { store }));
    const header = await auth.authorization();
    const [key] = await keysUnder(prefix);
    expect(await ioredis().get(key ?? '')).toContain(header.slice('bearer '.length));
  });
});

describe.each(IOREDIS_CLIENTS)('a refresh lock held elsewhere past the deadline (%s)', (_name, connect) => {
  it('serves the live token instead of a second refresh, and refreshes behind it once the lock is free', async () => {
    let now = Date.now();
    const clock = (): number => now;
    const z = await zenoti({ now: clock, accessTokenTtlMs: 60 * 60_000 });
    const prefix = uniquePrefix();
    const { store } = redisStore({ client: await connect(), prefix });
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
    const { store: other } = redisStore({ client: await connect(), prefix });
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
