import { ZenotiAuth } from '@zenoti-auth/core';
import { describe, expect, it } from 'vitest';
import { encryption } from '../src/encryption.ts';
import { tokenSet } from './contract.ts';
import {
  CLIENT_KINDS,
  client,
  ioredis,
  keysUnder,
  redisStore,
  serviceUser,
  storeKeyOf,
  uniquePrefix,
  until,
  zenoti,
} from './support.ts';

const KEY = 'the fleet encryption key, long enough';
const OTHER_KEY = 'another encryption key, just as long';

/** A value with one character of its sealed part changed: still an envelope, no longer decryptable. */
function flipOneByte(raw: string): string {
  const envelope = JSON.parse(raw);
  const at = Math.floor(envelope.e.length / 2);
  const flipped = envelope.e[at] === 'A' ? 'B' : 'A';
  return JSON.stringify({
    ...envelope,
    e: `${envelope.e.slice(0, at)}${flipped}${envelope.e.slice(at + 1)}`,
  });
}

/** The `encryption` option for a key, or none (plain text). */
const sealedWith = (key: string | undefined) => (key ? { encryption: encryption(key) } : {});

/**
 * How a stored set gets damaged: a set with a version above the fleet's (`DAMAGED`) written with
 * `writer`'s key, then changed by `damage`.
 */
interface Damage {
  /** The encryption key of the fleet's stores (none: plain text). */
  fleet?: string;
  /** The encryption key the damaged set is written with (none: plain text). */
  writer?: string;
  /** Changes the stored value; `damaged` is its version. */
  damage: (raw: string, damaged: number) => string;
  /** Whether the damaged value still shows its version: the repaired set's version is then above it. */
  versionInClear: boolean;
}

const DAMAGES: [string, Damage][] = [
  [
    'one flipped byte of the ciphertext',
    { fleet: KEY, writer: KEY, damage: flipOneByte, versionInClear: true },
  ],
  ['another encryption key', { fleet: KEY, writer: OTHER_KEY, damage: (raw) => raw, versionInClear: true }],
  [
    'a plain-text envelope whose set is not a token set',
    { damage: (_, damaged) => `{"v":${damaged},"s":"corrupt"}`, versionInClear: true },
  ],
  [
    'a value that is not JSON',
    { fleet: KEY, writer: KEY, damage: () => 'not json at all', versionInClear: false },
  ],
];

describe.each(CLIENT_KINDS)('a stored value nobody can read (%s)', (kind) => {
  it.each(DAMAGES)('%s: the next process replaces it and the fleet reuses its token', async (_, how) => {
    let now = Date.now();
    const clock = (): number => now;
    const z = await zenoti({ now: clock, accessTokenTtlMs: 60 * 60_000 });
    const prefix = uniquePrefix();
    /** A new process: its own connection, store and engine, sharing only Redis with the others. */
    const process = async (): Promise<ZenotiAuth> => {
      const { store } = redisStore({ client: await client(kind), prefix, ...sealedWith(how.fleet) });
      return new ZenotiAuth(serviceUser(z.url, { store, now: clock, refreshWindowMs: 5 * 60_000 }));
    };
    const first = await process();
    await first.authorization();
    const [redisKey = ''] = (await keysUnder(prefix)).filter(
      (k) => !k.endsWith(':lock') && !k.endsWith('lock-released'),
    );
    const writer = redisStore({ client: ioredis(), prefix, ...sealedWith(how.writer) }).store;
    const fleetVersion = (await writer.get(storeKeyOf(prefix, redisKey)))?.version ?? 0;
    const damaged = fleetVersion + 41;
    await writer.set(storeKeyOf(prefix, redisKey), tokenSet(damaged), 60 * 60_000);
    const admin = ioredis();
    await admin.set(redisKey, how.damage((await admin.get(redisKey)) ?? '', damaged));
    expect(z.control.counters().token.total).toBe(1);

    // New processes start together: one of them obtains a token, the others take it from Redis.
    const fleet = await Promise.all(Array.from({ length: 4 }, process));
    const headers = await Promise.all(fleet.flatMap((auth) => [auth.authorization(), auth.authorization()]));
    expect(new Set(headers).size).toBe(1);
    expect(z.control.counters().token.total).toBe(2);
    // And so does every process after them, and the one that was running before the damage.
    expect(await (await process()).authorization()).toBe(headers[0]);
    expect(await first.authorization()).toBe(headers[0]);
    expect(z.control.counters().token.total).toBe(2);

    const reader = redisStore({ client: ioredis(), prefix, ...sealedWith(how.fleet) }).store;
    const repaired = await reader.get(storeKeyOf(prefix, redisKey));
    expect(`bearer ${repaired?.accessToken}`).toBe(headers[0]);
    const repairedVersion = repaired?.version ?? 0;
    if (how.versionInClear) expect(repairedVersion).toBeGreaterThan(damaged);
    else expect(repairedVersion).toBeGreaterThan(0);

    // Versions go on from there: the next refresh (one, for the whole fleet) writes the one above.
    now += 56 * 60_000;
    await until(async () => (await fleet[1]?.authorization()) !== headers[0], 5_000, 'the refresh');
    const refreshed = new Set(await Promise.all(fleet.map((auth) => auth.authorization())));
    expect(refreshed.size).toBe(1);
    expect(z.control.counters().token.refresh.ok).toBe(1);
    expect((await reader.get(storeKeyOf(prefix, redisKey)))?.version).toBeGreaterThan(repairedVersion);
  });

  it.each([
    ['the same version the repair would take', 42],
    ['a higher version', 43],
  ])('a repair never overwrites a good set another process wrote meanwhile, with %s', async (_, version) => {
    const prefix = uniquePrefix();
    const mine = redisStore({ client: await client(kind), prefix, encryption: encryption(KEY) }).store;
    const other = redisStore({ client: await client(kind), prefix, encryption: encryption(KEY) }).store;
    await other.set('k', tokenSet(41), 60_000);
    const admin = ioredis();
    await admin.set(`${prefix}{k}`, flipOneByte((await admin.get(`${prefix}{k}`)) ?? ''));
    expect(await mine.get('k')).toBeUndefined(); // seen, unreadable: the next set() would replace it

    const meanwhile = tokenSet(version);
    await other.set('k', meanwhile, 60_000);
    await mine.set('k', tokenSet(1), 60_000);
    expect(await mine.get('k')).toEqual(meanwhile);
  });

  it('deletes an unreadable value by the version it carries in clear, when it is of the same key', async () => {
    const prefix = uniquePrefix();
    const { store } = redisStore({ client: await client(kind), prefix, encryption: encryption(KEY) });
    const foreign = redisStore({ client: ioredis(), prefix, encryption: encryption(OTHER_KEY) }).store;
    const admin = ioredis();
    await store.set('tampered', tokenSet(41), 60_000);
    await admin.set(`${prefix}{tampered}`, flipOneByte((await admin.get(`${prefix}{tampered}`)) ?? ''));
    await foreign.set('foreign', tokenSet(41), 60_000);
    for (const key of ['tampered', 'foreign']) {
      expect(await store.get(key)).toBeUndefined();
      await store.delete(key, 40);
      expect(await admin.exists(`${prefix}{${key}}`)).toBe(1);
      await store.delete(key, 41);
    }
    expect(await admin.exists(`${prefix}{tampered}`)).toBe(0);
    expect(await admin.exists(`${prefix}{foreign}`)).toBe(1); // versions of another key do not compare
    await store.delete('foreign');
    expect(await admin.exists(`${prefix}{foreign}`)).toBe(0);
  });
});
