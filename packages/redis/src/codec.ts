import type { TokenSet } from '@zenoti-auth/core';
import type { Cipher } from './crypto.ts';

/** What a stored value turned out to be. `problem` is safe to show (no secret). */
export type Decoded = { ok: true; set: TokenSet } | { ok: false; problem: string };

interface Envelope {
  /** The set's version, readable by the Lua scripts without decrypting. */
  v: number;
  /** Id of the encryption key; absent for plain text. */
  k?: string;
  /** The set, in plain text. */
  s?: unknown;
  /** base64(iv | AES-GCM ciphertext) of the set's JSON. */
  e?: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const optional = (value: unknown, type: 'string' | 'number'): boolean =>
  value === undefined || (typeof value === type && (type === 'string' || Number.isFinite(value)));

/** Whether `value` has the shape of a TokenSet of this `version`. */
function isTokenSet(value: unknown, version: number): value is TokenSet {
  return (
    isRecord(value) &&
    typeof value.accessToken === 'string' &&
    value.accessToken !== '' &&
    typeof value.accessTokenExpiresAt === 'number' &&
    Number.isFinite(value.accessTokenExpiresAt) &&
    typeof value.obtainedAt === 'number' &&
    Number.isFinite(value.obtainedAt) &&
    value.version === version &&
    optional(value.refreshToken, 'string') &&
    optional(value.refreshTokenExpiresAt, 'number') &&
    optional(value.tokenId, 'string') &&
    optional(value.userType, 'string')
  );
}

/**
 * Turns token sets into stored values and back: plain JSON, or AES-GCM ciphertext bound to the Redis
 * key and the version (so a value cannot be moved to another key or given another version).
 */
export class TokenSetCodec {
  readonly #cipher: Cipher | undefined;

  constructor(cipher: Cipher | undefined) {
    this.#cipher = cipher;
  }

  get encrypted(): boolean {
    return this.#cipher !== undefined;
  }

  /** The key id compared by the scripts: '' for plain text. */
  keyId(): Promise<string> {
    return this.#cipher ? this.#cipher.keyId() : Promise.resolve('');
  }

  async encode(redisKey: string, set: TokenSet): Promise<string> {
    if (!this.#cipher) return JSON.stringify({ v: set.version, s: set } satisfies Envelope);
    const e = await this.#cipher.encrypt(JSON.stringify(set), `${redisKey}\n${set.version}`);
    return JSON.stringify({ v: set.version, k: await this.#cipher.keyId(), e } satisfies Envelope);
  }

  async decode(redisKey: string, raw: string): Promise<Decoded> {
    let envelope: unknown;
    try {
      envelope = JSON.parse(raw);
    } catch {
      return { ok: false, problem: 'is not JSON' };
    }
    if (!isRecord(envelope) || typeof envelope.v !== 'number' || !Number.isSafeInteger(envelope.v)) {
      return { ok: false, problem: 'is not a token-set envelope' };
    }
    const version = envelope.v;
    let set: unknown;
    if (this.#cipher) {
      if (typeof envelope.e !== 'string') {
        return { ok: false, problem: 'is stored in plain text but an encryptionKey is configured' };
      }
      if (envelope.k !== (await this.#cipher.keyId())) {
        return { ok: false, problem: 'was encrypted with another encryptionKey' };
      }
      try {
        set = JSON.parse(await this.#cipher.decrypt(envelope.e, `${redisKey}\n${version}`));
      } catch {
        return { ok: false, problem: 'could not be decrypted (changed or moved data, or another key)' };
      }
    } else {
      if (envelope.s === undefined) {
        return { ok: false, problem: 'is encrypted but no encryptionKey is configured' };
      }
      set = envelope.s;
    }
    return isTokenSet(set, version) ? { ok: true, set } : { ok: false, problem: 'is not a valid token set' };
  }
}
