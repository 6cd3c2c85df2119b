import { hkdfSync, pbkdf2 as pbkdf2Callback } from 'node:crypto';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { encryption } from '../src/encryption.ts';
import { ZenotiAuthError } from '../src/errors.ts';

const PASSPHRASE = 'a passphrase of at least 32 characters, for the test vector';
const RAW_KEY = new Uint8Array(32).map((_, i) => i);
const pbkdf2 = promisify(pbkdf2Callback);
const hex = (bytes: ArrayBuffer | Uint8Array): string => Buffer.from(new Uint8Array(bytes)).toString('hex');

// Sealed by `@zenoti-auth/redis/encryption` before the cipher moved into core. A raw key's values
// must still decrypt (same key and key id); a passphrase's were sealed under its v1 derivation
// (HKDF alone, so a stored key id confirmed a guess in one HMAC) and no longer open.
const SEALED_BY_REDIS = {
  passphrase: {
    keyId: 'a7ca4c9f2fb1d56b',
    context: 'zenoti-auth:v1:abc\n3',
    sealed:
      'dG2vtUpPy83i4xEzkQU4wUgEKQAatheUeQ8f/SdOnFGMEg4qWPfDbhbc4Steh1plBs0JBGy4s0+9GYu7vcCIJ7hEiStKbR8LAVldXd/hJTrshi1sbjq2d4RR',
  },
  raw: {
    keyId: 'ca52b8bc7313c26f',
    context: 'ctx',
    sealed: 'l1Z/x/TOxMvrDxAu3FCtNhE4OuUvuJyKzzOB72fC39BMGvw=',
    plain: 'raw key',
  },
};

/** The v1 recipe of a passphrase's key id: HKDF-SHA-256 of the passphrase itself (fast). */
const v1KeyId = (passphrase: string): string =>
  hex(hkdfSync('sha256', passphrase, '@zenoti-auth/redis', 'token-set key id, v1, passphrase', 8));

/**
 * The v2 recipe, written again with node:crypto: PBKDF2-SHA-256 of the passphrase, 600,000
 * iterations as six chained rounds of 100,000 (Cloudflare's limit per call), then HKDF.
 */
async function v2KeyId(passphrase: string): Promise<string> {
  let bits: Buffer = Buffer.from(passphrase);
  for (let round = 0; round < 6; round++)
    bits = await pbkdf2(bits, '@zenoti-auth/core encryption: passphrase, v2', 100_000, 32, 'sha256');
  return hex(hkdfSync('sha256', bits, '@zenoti-auth/redis', 'token-set key id, v2, passphrase', 8));
}

/** Milliseconds `work` took. */
async function timed(work: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await work();
  return performance.now() - start;
}

// One passphrase for the file: its key is derived once (about 0.2 s), timed as it is, after a raw
// key's id has warmed WebCrypto up.
const cipher = encryption(PASSPHRASE);
const firstKeyIdMs = encryption(RAW_KEY)
  .keyId()
  .then(() => timed(() => cipher.keyId()));

describe('encryption (AES-256-GCM for token sets at rest)', () => {
  it('decrypts values sealed by @zenoti-auth/redis/encryption with a raw key, with the same key id', async () => {
    const byRawKey = encryption(RAW_KEY);
    const { raw } = SEALED_BY_REDIS;
    expect(await byRawKey.keyId()).toBe(raw.keyId);
    expect(await byRawKey.decrypt(raw.sealed, raw.context)).toBe(raw.plain);
  });

  it('stretches a passphrase with PBKDF2 (600,000 iterations): its key id costs that much per guess', async () => {
    const keyId = await cipher.keyId();
    // The fast v1 recipe gave the id stored beside every value (372 guesses confirmed a passphrase):
    // it reproduces the old id and no longer the new one.
    expect(v1KeyId(PASSPHRASE)).toBe(SEALED_BY_REDIS.passphrase.keyId);
    expect(keyId).not.toBe(v1KeyId(PASSPHRASE));
    // Only the whole PBKDF2 work, redone by node:crypto, gives the id.
    expect(keyId).toBe(await v2KeyId(PASSPHRASE));
    // The derivation is slow: the first key id of a passphrase cipher against a raw key's (HKDF
    // alone, the v1 work), the median of nine fresh ciphers: about 1,000 times here, v1 about 1.
    const rawMs = [];
    for (let i = 0; i < 9; i++) rawMs.push(await timed(() => encryption(RAW_KEY).keyId()));
    const median = rawMs.sort((a, b) => a - b)[4] as number;
    expect((await firstKeyIdMs) / median).toBeGreaterThan(100);
  });

  it('stretches a passphrase once per process: another cipher of it has its key id at once', async () => {
    const firstMs = await firstKeyIdMs;
    const againMs = await timed(async () =>
      expect(await encryption(PASSPHRASE).keyId()).toBe(await cipher.keyId()),
    );
    expect(firstMs / againMs).toBeGreaterThan(20);
  });

  it('treats a passphrase value sealed under v1 as sealed with another key: it does not open', async () => {
    const { passphrase } = SEALED_BY_REDIS;
    expect(await cipher.keyId()).not.toBe(passphrase.keyId);
    await expect(cipher.decrypt(passphrase.sealed, passphrase.context)).rejects.toThrow();
  });

  it('seals with a fresh IV each time and refuses another context or a changed value', async () => {
    const [a, b] = [await cipher.encrypt('token set', 'k\n1'), await cipher.encrypt('token set', 'k\n1')];
    expect(a).not.toBe(b);
    expect(await cipher.decrypt(a, 'k\n1')).toBe('token set');
    await expect(cipher.decrypt(a, 'k\n2')).rejects.toThrow();
    const changed = `${a.slice(0, 20)}${a[20] === 'A' ? 'B' : 'A'}${a.slice(21)}`;
    await expect(cipher.decrypt(changed, 'k\n1')).rejects.toThrow();
    await expect(encryption(`${PASSPHRASE}!`).decrypt(a, 'k\n1')).rejects.toThrow();
  });

  it.each([
    ['a short passphrase', 'too short'],
    ['31 bytes', new Uint8Array(31)],
    ['a number', 42],
  ])('rejects %s as key with INVALID_OPTIONS naming "encryptionKey", never showing it', (_, key) => {
    let error: unknown;
    try {
      encryption(key as string);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ZenotiAuthError);
    expect((error as ZenotiAuthError).field).toBe('encryptionKey');
    expect((error as ZenotiAuthError).message).toBe(
      '[@zenoti-auth/core] Option "encryptionKey" must be a string of at least 32 characters or 32 bytes (a Uint8Array).',
    );
    if (typeof key === 'string') expect((error as Error).message).not.toContain(key);
  });
});
