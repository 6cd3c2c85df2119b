/**
 * `@zenoti-auth/redis/encryption`: AES-256-GCM for token sets at rest, through WebCrypto
 * (`globalThis.crypto.subtle`: no `node:` import, no Buffer). An entry of its own, so a store without
 * encryption does not load it, and a store can take another `TokenSetCipher` (a KMS-backed key, say).
 */
import { invalidOption } from '@zenoti-auth/core';
import type { TokenSetCipher } from './codec.ts';

const utf8 = (text: string): Uint8Array<ArrayBuffer> => new TextEncoder().encode(text);

/** HKDF-SHA-256 parameters: the salt names this package, `info` the purpose of the derived bits. */
const hkdf = (info: string): HkdfParams => ({
  name: 'HKDF',
  hash: 'SHA-256',
  salt: utf8('@zenoti-auth/redis'),
  info: utf8(info),
});

/**
 * A cipher for `RedisTokenStore`'s `encryption` option:
 * `new RedisTokenStore({ client, encryption: encryption(process.env.ZENOTI_TOKEN_KEY!) })`.
 *
 * `encryptionKey` is a string of at least 32 characters (the AES key is derived from it with
 * HKDF-SHA-256) or exactly 32 random bytes (used as they are). It is copied and kept only in closures:
 * never shown in an error, `toJSON()` or `util.inspect()`. Each value gets a random 12-byte IV; the
 * store passes the Redis key and the version as authenticated data. The key id stored beside each
 * value is derived from the key (HKDF, 64 bits): it tells keys apart and reveals nothing of them.
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
      'redis',
      'encryptionKey',
      'must be a string of at least 32 characters or 32 bytes (a Uint8Array)',
    );
  }
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) throw new Error('[@zenoti-auth/redis] WebCrypto (globalThis.crypto.subtle) is not available.');
  const secret = passphrase ? utf8(encryptionKey) : new Uint8Array(encryptionKey);
  let material: Promise<CryptoKey> | undefined;
  let aes: Promise<CryptoKey> | undefined;
  let id: Promise<string> | undefined;
  const hkdfKey = (): Promise<CryptoKey> => {
    material ??= subtle.importKey('raw', secret, 'HKDF', false, ['deriveKey', 'deriveBits']);
    return material;
  };
  const key = (): Promise<CryptoKey> => {
    aes ??= passphrase
      ? hkdfKey().then((hk) =>
          subtle.deriveKey(
            hkdf('token-set encryption, AES-256-GCM, v1'),
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
      id ??= hkdfKey()
        .then((hk) =>
          subtle.deriveBits(hkdf(`token-set key id, v1, ${passphrase ? 'passphrase' : 'raw'}`), hk, 64),
        )
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
