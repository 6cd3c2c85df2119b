import { inspect } from 'node:util';
import { ZenotiAuth, ZenotiAuthError } from '@zenoti-auth/core';
import { describe, expect, it } from 'vitest';
import { encryption } from '../src/encryption.ts';
import { RedisTokenStore, type RedisTokenStoreOptions } from '../src/index.ts';
import { tokenSet } from './contract.ts';
import { ioredis, nodeRedis, redisStore, uniquePrefix } from './support.ts';

const SECRET_KEY = 'k3y-0f-32-characters-or-more-for-tests!!';

function thrown(make: () => unknown): ZenotiAuthError {
  try {
    make();
  } catch (error) {
    if (error instanceof ZenotiAuthError) return error;
    throw error;
  }
  throw new Error('expected a ZenotiAuthError');
}

describe('RedisTokenStore options', () => {
  it('accepts an ioredis instance and a node-redis client, and says which it found', async () => {
    const a = redisStore({ client: ioredis(), prefix: uniquePrefix() }).store;
    const b = redisStore({ client: await nodeRedis(), prefix: uniquePrefix() }).store;
    expect(a.toJSON()).toMatchObject({ type: 'RedisTokenStore', client: 'ioredis' });
    expect(b.toJSON()).toMatchObject({ type: 'RedisTokenStore', client: 'node-redis' });
    expect(a.local).toBe(false);
  });

  it.each([
    ['a plain object', {}],
    ['null', null],
    ['a host and port without scheme', '127.0.0.1:6379'],
    ['an http URL', 'http://127.0.0.1:6379'],
    ['a Redis URL without host', 'redis://'],
    ['a Map', new Map()],
    ['a fetch-like function', () => undefined],
    ['nothing', undefined],
  ])('rejects %s as client with INVALID_OPTIONS naming "client"', (_, client) => {
    const error = thrown(() => new RedisTokenStore({ client } as unknown as RedisTokenStoreOptions));
    expect(error.code).toBe('INVALID_OPTIONS');
    expect(error.field).toBe('client');
    expect(error.message).toBe(
      '[@zenoti-auth/redis] Option "client" must be an ioredis client (new Redis(…), new Cluster(…)), a node-redis client (createClient(), createCluster(), createSentinel()) or a Redis URL (redis://… or rediss://…).',
    );
  });

  it.each([
    ['prefix', { prefix: 42 }],
    ['prefix', { prefix: 'has space:' }],
    ['lockTtlMs', { lockTtlMs: 0 }],
    ['lockTtlMs', { lockTtlMs: Number.NaN }],
    ['waitTimeoutMs', { waitTimeoutMs: -1 }],
    ['waitTimeoutMs', { waitTimeoutMs: '30s' }],
    ['commandTimeoutMs', { commandTimeoutMs: 2 }],
    ['waitTimeoutMs', { waitTimeoutMs: '30000' }],
    ['encryption', { encryption: SECRET_KEY }],
    ['encryption', { encryption: { keyId: () => 'id' } }],
    ['encryption', { encryption: null }],
    ['onWarning', { onWarning: 'console' }],
    ['keyPrefix', { keyPrefix: 'x:' }],
    ['encryptionKey', { encryptionKey: SECRET_KEY }],
  ])('rejects a bad "%s" with INVALID_OPTIONS naming it', (field, extra) => {
    const error = thrown(
      () => new RedisTokenStore({ client: ioredis(), ...extra } as unknown as RedisTokenStoreOptions),
    );
    expect(error.code).toBe('INVALID_OPTIONS');
    expect(error.field).toBe(field);
    expect(error.message).toMatch(
      new RegExp(`^\\[@zenoti-auth/redis\\] Option "${field}" (must be|is unknown to RedisTokenStore)`),
    );
    expect(error.message).not.toContain(SECRET_KEY);
  });

  it('says what a duration must be, and shows the number it got', () => {
    const error = thrown(() => new RedisTokenStore({ client: ioredis(), lockTtlMs: 5 }));
    expect(error.message).toBe(
      '[@zenoti-auth/redis] Option "lockTtlMs" must be a number of milliseconds from 100 to 86400000, got 5.',
    );
  });

  it.each([
    ['a short string', 'short'],
    ['16 bytes', new Uint8Array(16)],
    ['a number', 123],
    ['nothing (an unset environment variable)', undefined],
  ])('rejects %s as encryption key, naming "encryptionKey"', (_, key) => {
    const error = thrown(() => encryption(key as string));
    expect(error.code).toBe('INVALID_OPTIONS');
    expect(error.field).toBe('encryptionKey');
    expect(error.message).toBe(
      // The cipher is core's (`@zenoti-auth/core/encryption`), re-exported: its errors name core.
      '[@zenoti-auth/core] Option "encryptionKey" must be a string of at least 32 characters or 32 bytes (a Uint8Array).',
    );
  });

  it('rejects a missing options object', () => {
    const error = thrown(() => new (RedisTokenStore as new (o?: unknown) => unknown)());
    expect(error).toMatchObject({
      code: 'INVALID_OPTIONS',
      field: 'options',
      message: '[@zenoti-auth/redis] Option "options" must be an object with at least "client".',
    });
  });

  it('never shows the encryption key in an error, toJSON() or inspect()', () => {
    const error = thrown(() => encryption('too-short-secret'));
    expect(`${error.message} ${JSON.stringify(error)}`).not.toContain('too-short-secret');
    const { store } = redisStore({
      client: ioredis(),
      prefix: uniquePrefix(),
      encryption: encryption(SECRET_KEY),
    });
    const shown = `${JSON.stringify(store)} ${inspect(store, { depth: 10, showHidden: true })}`;
    expect(shown).not.toContain(SECRET_KEY);
    expect(shown).toContain('"encrypted":true');
  });

  it("does not keep the caller's key buffer: zeroing it later changes nothing", async () => {
    const bytes = crypto.getRandomValues(new Uint8Array(32));
    const prefix = uniquePrefix();
    const { store } = redisStore({ client: ioredis(), prefix, encryption: encryption(bytes) });
    const set = tokenSet(1);
    await store.set('k', set, 60_000);
    bytes.fill(0);
    expect(await store.get('k')).toEqual(set);
  });
});

describe('the plain-text warning', () => {
  it('is given once per store created without encryption, and never with it', () => {
    const plain = redisStore({ client: ioredis(), prefix: uniquePrefix() });
    expect(plain.warnings).toHaveLength(1);
    expect(plain.warnings[0]).toMatch(
      /^\[@zenoti-auth\/redis\] Token sets are stored in Redis in plain text/,
    );
    const encrypted = redisStore({
      client: ioredis(),
      prefix: uniquePrefix(),
      encryption: encryption(SECRET_KEY),
    });
    expect(encrypted.warnings).toEqual([]);
  });

  it('waits for the first engine by default, and goes to console.warn when it does not listen', () => {
    const original = console.warn;
    const seen: unknown[] = [];
    console.warn = (...args: unknown[]) => seen.push(...args);
    try {
      const store = new RedisTokenStore({ client: ioredis(), prefix: uniquePrefix() });
      expect(seen).toEqual([]); // told to the engines that use the store, once there is one
      new ZenotiAuth({ apiKey: 'k'.repeat(32), store });
    } finally {
      console.warn = original;
    }
    expect(seen).toHaveLength(1);
    expect(String(seen[0])).toContain('plain text');
  });
});
