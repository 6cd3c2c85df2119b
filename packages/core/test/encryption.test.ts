import { describe, expect, it } from 'vitest';
import { encryption } from '../src/encryption.ts';
import { ZenotiAuthError } from '../src/errors.ts';

const PASSPHRASE = 'a passphrase of at least 32 characters, for the test vector';
const RAW_KEY = new Uint8Array(32).map((_, i) => i);

// Sealed by `@zenoti-auth/redis/encryption` before the cipher moved into core: what Redis stores
// today must still decrypt (same HKDF salt and info, same key ids).
const SEALED_BY_REDIS = {
  passphrase: {
    keyId: 'a7ca4c9f2fb1d56b',
    context: 'zenoti-auth:v1:abc\n3',
    sealed:
      'dG2vtUpPy83i4xEzkQU4wUgEKQAatheUeQ8f/SdOnFGMEg4qWPfDbhbc4Steh1plBs0JBGy4s0+9GYu7vcCIJ7hEiStKbR8LAVldXd/hJTrshi1sbjq2d4RR',
    plain: JSON.stringify({ accessToken: 'sealed by @zenoti-auth/redis 0.x', version: 3 }),
  },
  raw: {
    keyId: 'ca52b8bc7313c26f',
    context: 'ctx',
    sealed: 'l1Z/x/TOxMvrDxAu3FCtNhE4OuUvuJyKzzOB72fC39BMGvw=',
    plain: 'raw key',
  },
};

describe('encryption (AES-256-GCM for token sets at rest)', () => {
  it('decrypts values sealed by @zenoti-auth/redis/encryption, with the same key ids', async () => {
    const byPassphrase = encryption(PASSPHRASE);
    const { passphrase, raw } = SEALED_BY_REDIS;
    expect(await byPassphrase.keyId()).toBe(passphrase.keyId);
    expect(await byPassphrase.decrypt(passphrase.sealed, passphrase.context)).toBe(passphrase.plain);
    const byRawKey = encryption(RAW_KEY);
    expect(await byRawKey.keyId()).toBe(raw.keyId);
    expect(await byRawKey.decrypt(raw.sealed, raw.context)).toBe(raw.plain);
  });

  it('seals with a fresh IV each time and refuses another context or a changed value', async () => {
    const cipher = encryption(PASSPHRASE);
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
