/**
 * `@zenoti-auth/core/encryption`: AES-256-GCM for token sets at rest, through WebCrypto
 * (`globalThis.crypto.subtle`: no `node:` import, no Buffer). The one cipher of every shared store
 * (`@zenoti-auth/redis`, which re-exports it as `@zenoti-auth/redis/encryption`, and
 * `@zenoti-auth/cloudflare`). An entry of its own, so a store without encryption does not load it,
 * and a store can take another `TokenSetCipher` (a KMS-backed key, say).
 *
 * Its build turns `./errors.ts` into an import of `@zenoti-auth/core` (see tsdown.config.ts): one
 * `ZenotiAuthError` class for both entries, so `instanceof` holds across them.
 */
import { invalidOption } from './errors.ts';
import { pbkdf2 } from './pbkdf2.ts';

/**
 * Encrypts token sets at rest. `encryption(key)` makes one (AES-256-GCM); any object with these
 * three methods will do (a KMS-backed key, say).
 */
export interface TokenSetCipher {
  /** A non-secret id of the key, stored beside each value: versions only compare within one key. */
  keyId(): Promise<string>;
  /** Seals `plain`; `context` (where the value is stored, and its version) is authenticated but not stored. */
  encrypt(plain: string, context: string): Promise<string>;
  /** Throws when the key is wrong, the data was changed or `context` differs. */
  decrypt(sealed: string, context: string): Promise<string>;
}

const utf8 = (text: string): Uint8Array<ArrayBuffer> => new TextEncoder().encode(text);

/**
 * HKDF-SHA-256 parameters: `info` says the purpose of the derived bits. The salt names the package
 * the cipher was first published in, and stays so: values encrypted by then must still decrypt.
 */
const hkdf = (info: string): HkdfParams => ({
  name: 'HKDF',
  hash: 'SHA-256',
  salt: utf8('@zenoti-auth/redis'),
  info: utf8(info),
});

/**
 * A cipher for a shared store's `encryption` option:
 * `new RedisTokenStore({ client, encryption: encryption(process.env.ZENOTI_TOKEN_KEY!) })`,
 * `new DurableObjectTokenStore({ namespace, encryption: encryption(env.ZENOTI_TOKEN_KEY) })`.
 *
 * `encryptionKey` is a string of at least 32 characters or exactly 32 random bytes (used as they
 * are). A string is stretched with PBKDF2-SHA-256 (600,000 iterations: about 0.1 to 0.2 s of CPU
 * on first use, once per passphrase and process), and the AES key and the key id are derived from the stretched key
 * with HKDF-SHA-256: a stored key id or value confirms a guessed passphrase only after all that work.
 * The key is copied and kept only in closures: never shown in an error, `toJSON()` or
 * `util.inspect()`. Each value gets a random 12-byte IV; the store passes where the value lives
 * (its key) and the version as authenticated data. The key id stored beside each value is derived
 * from the key (HKDF, 64 bits): it tells keys apart and reveals nothing of them.
 *
 * The AES key and key id of 32 bytes are as they always were. A passphrase's changed when PBKDF2
 * came in (before, HKDF alone, so a key id confirmed a guess in one HMAC): values sealed before
 * carry another key id, so a store treats them as unreadable and the engine gets a fresh token set.
 */
export function encryption(encryptionKey: string | Uint8Array): TokenSetCipher {
  const passphrase = typeof encryptionKey === 'string';
  // The value itself is never shown: it is a secret.
  if (
    passphrase
      ? encryptionKey.length < 32
      : !(encryptionKey instanceof Uint8Array && encryptionKey.length === 32)
  ) {
    throw invalidOption(
      'core',
      'encryptionKey',
      'must be a string of at least 32 characters or 32 bytes (a Uint8Array)',
    );
  }
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) throw new Error('[@zenoti-auth/core] WebCrypto (globalThis.crypto.subtle) is not available.');
  const secret = passphrase ? utf8(encryptionKey) : new Uint8Array(encryptionKey);
  let material: Promise<CryptoKey> | undefined;
  let aes: Promise<CryptoKey> | undefined;
  let id: Promise<string> | undefined;
  /** The HKDF key everything else derives from: the stretched passphrase, or the 32 bytes. */
  const hkdfKey = (): Promise<CryptoKey> => {
    material ??= (
      passphrase
        ? pbkdf2(secret, utf8('@zenoti-auth/core encryption: passphrase, v2'))
        : Promise.resolve(secret)
    ).then((bytes) => subtle.importKey('raw', bytes, 'HKDF', false, ['deriveKey', 'deriveBits']));
    return material;
  };
  const key = (): Promise<CryptoKey> => {
    aes ??= passphrase
      ? hkdfKey().then((hk) =>
          subtle.deriveKey(
            hkdf('token-set encryption, AES-256-GCM, v2'),
            hk,
            { name: 'AES-GCM', length: 256 },
            false,
            ['encrypt', 'decrypt'],
          ),
        )
      : subtle.importKey('raw', secret, 'AES-GCM', false, ['encrypt', 'decrypt']);
    return aes;
  };
  const gcm = (iv: Uint8Array<ArrayBuffer>, context: string): AesGcmParams => ({
    name: 'AES-GCM',
    iv,
    additionalData: utf8(context),
  });
  return {
    keyId() {
      // The kind is part of the id: a passphrase and the same bytes used raw give different AES keys.
      const info = passphrase ? 'token-set key id, v2, passphrase' : 'token-set key id, v1, raw';
      id ??= hkdfKey()
        .then((hk) => subtle.deriveBits(hkdf(info), hk, 64))
        .then((bits) => Array.from(new Uint8Array(bits), (b) => b.toString(16).padStart(2, '0')).join(''));
      return id;
    },
    async encrypt(plain, context) {
      const iv = crypto.getRandomValues(new Uint8Array(12));
      const sealed = new Uint8Array(await subtle.encrypt(gcm(iv, context), await key(), utf8(plain)));
      // base64(iv | ciphertext+tag)
      return btoa(String.fromCharCode(...iv, ...sealed));
    },
    async decrypt(sealed, context) {
      const bytes = Uint8Array.from(atob(sealed), (c) => c.charCodeAt(0));
      const plain = await subtle.decrypt(gcm(bytes.slice(0, 12), context), await key(), bytes.subarray(12));
      return new TextDecoder().decode(plain);
    },
  };
}
