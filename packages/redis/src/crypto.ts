/** AES-256-GCM through WebCrypto (`globalThis.crypto.subtle`): no `node:` import, no Buffer. */

const SALT = '@zenoti-auth/redis';
const ENCRYPTION_INFO = 'token-set encryption, AES-256-GCM, v1';
const KEY_ID_INFO = 'token-set key id, v1';
const IV_BYTES = 12;

export interface Cipher {
  /** A non-secret id of the key (16 hex digits), stored beside each ciphertext. */
  keyId(): Promise<string>;
  /** base64(iv | ciphertext+tag). `context` is authenticated but not stored. */
  encrypt(plain: string, context: string): Promise<string>;
  /** Throws when the key is wrong, the data was changed or `context` differs. */
  decrypt(sealed: string, context: string): Promise<string>;
}

const utf8 = (text: string): Uint8Array<ArrayBuffer> => new TextEncoder().encode(text);

export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

export function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function subtle(): SubtleCrypto {
  const s = globalThis.crypto?.subtle;
  if (!s) throw new Error('[@zenoti-auth/redis] WebCrypto (globalThis.crypto.subtle) is not available.');
  return s;
}

async function keyMaterial(secret: string | Uint8Array): Promise<CryptoKey> {
  const bytes = typeof secret === 'string' ? utf8(secret) : new Uint8Array(secret);
  return subtle().importKey('raw', bytes, 'HKDF', false, ['deriveKey', 'deriveBits']);
}

function hkdf(info: string): HkdfParams {
  return { name: 'HKDF', hash: 'SHA-256', salt: utf8(SALT), info: utf8(info) };
}

async function aesKey(secret: string | Uint8Array): Promise<CryptoKey> {
  if (typeof secret !== 'string') {
    // 32 random bytes are a key already.
    return subtle().importKey('raw', new Uint8Array(secret), { name: 'AES-GCM' }, false, [
      'encrypt',
      'decrypt',
    ]);
  }
  return subtle().deriveKey(
    hkdf(ENCRYPTION_INFO),
    await keyMaterial(secret),
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
}

async function keyId(secret: string | Uint8Array): Promise<string> {
  // The kind is part of the id: a passphrase and the same bytes used raw give different AES keys.
  const info = `${KEY_ID_INFO}, ${typeof secret === 'string' ? 'passphrase' : 'raw'}`;
  const bits = new Uint8Array(await subtle().deriveBits(hkdf(info), await keyMaterial(secret), 64));
  return Array.from(bits, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** A cipher for `secret` (validated by the caller). The secret is copied and kept only in closures. */
export function createCipher(secret: string | Uint8Array): Cipher {
  const copy = typeof secret === 'string' ? secret : new Uint8Array(secret);
  let key: Promise<CryptoKey> | undefined;
  let id: Promise<string> | undefined;
  const getKey = (): Promise<CryptoKey> => {
    key ??= aesKey(copy);
    return key;
  };
  return {
    keyId: () => {
      id ??= keyId(copy);
      return id;
    },
    async encrypt(plain, context) {
      const iv = globalThis.crypto.getRandomValues(new Uint8Array(IV_BYTES));
      const sealed = new Uint8Array(
        await subtle().encrypt(
          { name: 'AES-GCM', iv, additionalData: utf8(context) },
          await getKey(),
          utf8(plain),
        ),
      );
      const out = new Uint8Array(IV_BYTES + sealed.length);
      out.set(iv, 0);
      out.set(sealed, IV_BYTES);
      return toBase64(out);
    },
    async decrypt(sealed, context) {
      const bytes = fromBase64(sealed);
      if (bytes.length <= IV_BYTES + 16) throw new Error('ciphertext too short');
      const plain = await subtle().decrypt(
        { name: 'AES-GCM', iv: bytes.subarray(0, IV_BYTES), additionalData: utf8(context) },
        await getKey(),
        bytes.subarray(IV_BYTES),
      );
      return new TextDecoder().decode(plain);
    },
  };
}
