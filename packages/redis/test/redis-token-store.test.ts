import { describe, expect, it } from 'vitest';
import { encryption } from '../src/encryption.ts';
import type { TokenSetCipher } from '../src/index.ts';
import { tokenSet } from './contract.ts';
import { silentServer } from './redis-server.ts';
import { CLIENT_KINDS, client, ioredis, redisStore, uniquePrefix } from './support.ts';

const KEY = 'a-test-encryption-key-of-32-chars-or-more';

describe.each(CLIENT_KINDS)('RedisTokenStore on Redis (%s)', (kind) => {
  it('keeps a set under prefix{key} as {v, s} JSON, with the TTL it was given', async () => {
    const prefix = uniquePrefix();
    const { store } = redisStore({ client: await client(kind), prefix });
    const set = tokenSet(4);
    await store.set('v1:abc', set, 90_000);
    const admin = ioredis();
    expect(JSON.parse((await admin.get(`${prefix}{v1:abc}`)) ?? '')).toEqual({ v: 4, s: set });
    const pttl = await admin.pttl(`${prefix}{v1:abc}`);
    expect(pttl).toBeGreaterThan(85_000);
    expect(pttl).toBeLessThanOrEqual(90_000);
    expect(store.redisKey('v1:abc')).toBe(`${prefix}{v1:abc}`);
  });

  it('encrypts as {v, k, e}: a fresh IV per write, the version readable, no token inside', async () => {
    const prefix = uniquePrefix();
    const { store } = redisStore({ client: await client(kind), prefix, encryption: encryption(KEY) });
    const set = tokenSet(3);
    const admin = ioredis();
    await store.set('k', set, 60_000);
    const first = (await admin.get(`${prefix}{k}`)) ?? '';
    await store.set('k', set, 60_000);
    const second = (await admin.get(`${prefix}{k}`)) ?? '';
    const envelope = JSON.parse(first);
    expect(Object.keys(envelope).sort()).toEqual(['e', 'k', 'v']);
    expect(envelope.v).toBe(3);
    expect(envelope.k).toMatch(/^[0-9a-f]{16}$/);
    expect(second).not.toBe(first); // random IV
    for (const raw of [first, second]) {
      expect(raw).not.toContain(set.accessToken);
      expect(raw).not.toContain(set.refreshToken);
    }
    expect(await store.get('k')).toEqual(set);
  });

  it('treats a set it cannot read as absent, with one warning naming the key (never the value)', async () => {
    const prefix = uniquePrefix();
    const admin = ioredis();
    const writer = redisStore({ client: await client(kind), prefix, encryption: encryption(KEY) }).store;
    const other = redisStore({
      client: await client(kind),
      prefix,
      encryption: encryption(`${KEY}-but-another`),
    });
    const plain = redisStore({ client: await client(kind), prefix });
    const set = tokenSet(7);
    await writer.set('k', set, 60_000);
    expect(await other.store.get('k')).toBeUndefined();
    expect(await other.store.get('k')).toBeUndefined();
    expect(other.warnings).toEqual([
      `[@zenoti-auth/redis] The value under "${prefix}{k}" was encrypted with another key; treated as absent.`,
    ]);
    expect(await plain.store.get('k')).toBeUndefined();
    expect(plain.warnings[1]).toContain('is encrypted but no encryption is configured');

    // Moved to another key, or given another version: the authenticated data no longer matches.
    const raw = (await admin.get(`${prefix}{k}`)) ?? '';
    await admin.set(`${prefix}{moved}`, raw);
    await admin.set(`${prefix}{bumped}`, raw.replace('"v":7', '"v":8'));
    await admin.set(`${prefix}{junk}`, 'not json at all');
    await plain.store.set('plain', tokenSet(1), 60_000);
    const reader = redisStore({ client: await client(kind), prefix, encryption: encryption(KEY) });
    for (const key of ['moved', 'bumped', 'junk', 'plain'])
      expect(await reader.store.get(key)).toBeUndefined();
    expect(reader.warnings).toEqual(
      [
        ['moved', 'could not be decrypted (changed or moved data)'],
        ['bumped', 'could not be decrypted (changed or moved data)'],
        ['junk', 'is not a token-set envelope'],
        ['plain', 'is in plain text but encryption is configured'],
      ].map(
        ([key, problem]) =>
          `[@zenoti-auth/redis] The value under "${prefix}{${key}}" ${problem}; treated as absent.`,
      ),
    );
    expect(reader.warnings.join(' ')).not.toContain(set.accessToken);
  });

  it('overwrites what it cannot read (plain → encrypted, another key), whatever its version', async () => {
    const prefix = uniquePrefix();
    const plain = redisStore({ client: await client(kind), prefix }).store;
    const encrypted = redisStore({ client: await client(kind), prefix, encryption: encryption(KEY) }).store;
    await plain.set('k', tokenSet(50), 60_000);
    const set = tokenSet(1);
    await encrypted.set('k', set, 60_000); // a migration to encryption must not be blocked by old versions
    expect(await encrypted.get('k')).toEqual(set);
    await encrypted.set('k', tokenSet(0), 60_000); // but among its own sets, versions still rule
    expect(await encrypted.get('k')).toEqual(set);
  });

  it('fails fast with a STORE error, without a secret, when Redis does not answer', async () => {
    const port = await silentServer();
    const hung =
      kind === 'ioredis'
        ? ioredis(port, { enableReadyCheck: false })
        : // node-redis never becomes ready against a silent server: a closed client is its other failure.
          await client(kind);
    if (kind === 'node-redis') await (hung as { destroy(): void }).destroy();
    const { store } = redisStore({
      client: hung,
      prefix: uniquePrefix(),
      commandTimeoutMs: 150,
      encryption: encryption(KEY),
    });
    const set = tokenSet(1);
    for (const call of [() => store.get('k'), () => store.set('k', set, 1_000), () => store.delete('k', 1)]) {
      const started = Date.now();
      const error = await call().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(Date.now() - started).toBeLessThan(1_000);
      expect(error).toMatchObject({ name: 'ZenotiAuthError', code: 'STORE' });
      const shown = `${(error as Error).message} ${JSON.stringify(error)} ${String((error as Error).cause)}`;
      expect(shown).toMatch(/@zenoti-auth\/redis/);
      for (const secret of [set.accessToken, set.refreshToken ?? '', KEY])
        expect(shown).not.toContain(secret);
    }
  });

  it('shares one GET between concurrent reads of a key', async () => {
    const prefix = uniquePrefix();
    const redis = await client(kind);
    const { store } = redisStore({ client: redis, prefix });
    await store.set('k', tokenSet(1), 60_000);
    const admin = ioredis();
    const before = Number(/keyspace_hits:(\d+)/.exec(await admin.info('stats'))?.[1]);
    const reads = await Promise.all(Array.from({ length: 200 }, () => store.get('k')));
    const after = Number(/keyspace_hits:(\d+)/.exec(await admin.info('stats'))?.[1]);
    expect(new Set(reads.map((set) => set?.version))).toEqual(new Set([1]));
    expect(after - before).toBeLessThan(10); // other tests may read too; 200 separate GETs would show
  });
});

describe('a cipher of your own', () => {
  it('is any TokenSetCipher: its key id is stored, and it gets the Redis key and the version as context', async () => {
    const prefix = uniquePrefix();
    const aes = encryption(KEY);
    const contexts: string[] = [];
    const cipher: TokenSetCipher = {
      keyId: async () => 'kms-key-7',
      encrypt: async (plain, context) => {
        contexts.push(context);
        return aes.encrypt(plain, context);
      },
      decrypt: (sealed, context) => aes.decrypt(sealed, context),
    };
    const { store, warnings } = redisStore({ client: ioredis(), prefix, encryption: cipher });
    const set = tokenSet(5);
    await store.set('k', set, 60_000);
    expect(contexts).toEqual([`${prefix}{k}\n5`]);
    const raw = (await ioredis().get(`${prefix}{k}`)) ?? '';
    expect(JSON.parse(raw)).toMatchObject({ v: 5, k: 'kms-key-7' });
    expect(raw).not.toContain(set.accessToken);
    expect(await store.get('k')).toEqual(set);
    expect(warnings).toEqual([]);
    // Another key id: versions no longer compare, the value is unreadable and overwritten (the new
    // set taking the version above the one the old value carries in clear).
    const other = redisStore({
      client: ioredis(),
      prefix,
      encryption: { ...cipher, keyId: async () => 'kms-key-8' },
    });
    expect(await other.store.get('k')).toBeUndefined();
    expect(other.warnings).toEqual([
      `[@zenoti-auth/redis] The value under "${prefix}{k}" was encrypted with another key; treated as absent.`,
    ]);
    await other.store.set('k', tokenSet(1), 60_000);
    expect((await other.store.get('k'))?.version).toBe(6);
  });
});
