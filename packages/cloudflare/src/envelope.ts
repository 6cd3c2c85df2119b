import type { TokenSet } from '@zenoti-auth/core';
import type { TokenSetCipher } from '@zenoti-auth/core/encryption';
import type { StoredSet } from './protocol.ts';

/*
 * A token set as the store hands it to the object: `{ v, s: set }` in plain text, or
 * `{ v, k: key id, e: sealed }` with the store key and the version as authenticated data (a value
 * cannot be moved to another key or given another version). The version stays in clear for the
 * object's monotonic writes. The cipher is core's (`@zenoti-auth/core/encryption`).
 */

const context = (key: string, version: number): string => `${key}\n${version}`;

export async function seal(
  cipher: TokenSetCipher | undefined,
  key: string,
  set: TokenSet,
): Promise<StoredSet> {
  const v = set.version;
  return cipher
    ? { v, k: await cipher.keyId(), e: await cipher.encrypt(JSON.stringify(set), context(key, v)) }
    : { v, s: set };
}

/** The token set of a stored value, or what is wrong with it (safe to show: never a secret). */
export async function open(
  cipher: TokenSetCipher | undefined,
  key: string,
  stored: StoredSet,
): Promise<TokenSet | string> {
  const { v } = stored;
  let set = stored.s;
  if (!Number.isSafeInteger(v)) return 'is not a stored token set';
  if (cipher) {
    if (typeof stored.e !== 'string') return 'is in plain text but encryption is configured';
    if (stored.k !== (await cipher.keyId())) return 'was encrypted with another key';
    try {
      set = JSON.parse(await cipher.decrypt(stored.e, context(key, v)));
    } catch {
      return 'could not be decrypted (changed or moved data)';
    }
  } else if (!set) return 'is encrypted but no encryption is configured';
  return isTokenSet(set, v) ? set : 'is not a valid token set';
}

/** The longest token set the object keeps, as JSON (Zenoti's are well under 2 kB). */
export const MAX_SET_CHARS = 16_384;

/**
 * What is wrong with a token set the store is given to keep (safe to show: never a secret), or
 * `undefined`: checked before it is sealed, and by the object for a plain one.
 */
export function setProblem(set: TokenSet, v: unknown = set?.version): string | undefined {
  if (!Number.isSafeInteger(v)) return 'needs a whole-number "version"';
  if (!isTokenSet(set, v as number)) return 'is not a valid token set';
  if (JSON.stringify(set).length > MAX_SET_CHARS) return `is over ${MAX_SET_CHARS} characters`;
}

/**
 * Whether `value` is a stored set the object may keep: a version, and a plain set of that version
 * (`setProblem`) or a sealed one (its size bounded by the request's).
 */
export function isStoredSet(value: StoredSet | undefined): value is StoredSet {
  if (!Number.isSafeInteger(value?.v) || !value) return false;
  return value.s !== undefined
    ? setProblem(value.s, value.v) === undefined
    : typeof value.e === 'string' && value.e !== '' && typeof value.k === 'string' && value.k.length <= 200;
}

/** Whether `set` has the shape of a `TokenSet` of version `v`. */
function isTokenSet(set: TokenSet | undefined, v: number): set is TokenSet {
  return (
    typeof set?.accessToken === 'string' &&
    set.accessToken !== '' &&
    set.version === v &&
    [
      set.accessTokenExpiresAt,
      set.obtainedAt,
      set.refreshTokenExpiresAt ?? 0,
      set.refreshNotBefore ?? 0,
      set.refreshClaim?.until ?? 0,
    ].every(Number.isFinite) &&
    typeof (set.refreshClaim?.by ?? '') === 'string' &&
    typeof (set.loginPolicy ?? {}) === 'object' &&
    [set.refreshToken, set.tokenId, set.userType].every(
      (text) => text === undefined || typeof text === 'string',
    )
  );
}
