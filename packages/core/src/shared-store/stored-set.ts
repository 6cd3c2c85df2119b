import type { TokenSetCipher } from '../encryption.ts';
import type { TokenSet } from '../types.ts';

/*
 * A token set as a shared store keeps it: `{ v, s: set }` in plain text, or `{ v, k: key id, e:
 * sealed }` with the store key and the version as authenticated data (a value cannot be moved to
 * another key or given another version). The version stays in clear, for monotonic writes where
 * the set is kept (a Lua script, a Durable Object). One format and one check for every store.
 */

/** A token set as a shared store keeps it. */
export interface StoredSet {
  /** The set's version, in clear. */
  v: number;
  /** The set, in plain text (no encryption configured). */
  s?: TokenSet;
  /** The id of the key that sealed `e`. */
  k?: string;
  /** The set, sealed (`TokenSetCipher.encrypt`, the store key and the version as context). */
  e?: string;
}

/** The longest token set a store keeps, as JSON (Zenoti's are well under 2 kB). */
export const MAX_SET_CHARS = 16_384;

const context = (key: string, version: number): string => `${key}\n${version}`;

/** `set` as a store keeps it under `key`: sealed with `cipher`, or in plain text without one. */
export async function sealTokenSet(
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
export async function openTokenSet(
  cipher: TokenSetCipher | undefined,
  key: string,
  stored: StoredSet | undefined,
): Promise<TokenSet | string> {
  const v = stored?.v as number;
  let set = stored?.s;
  if (!Number.isSafeInteger(v)) return 'is not a token-set envelope';
  if (cipher) {
    if (typeof stored?.e !== 'string') return 'is in plain text but encryption is configured';
    if (stored.k !== (await cipher.keyId())) return 'was encrypted with another key';
    try {
      set = JSON.parse(await cipher.decrypt(stored.e, context(key, v)));
    } catch {
      return 'could not be decrypted (changed or moved data)';
    }
  } else if (!set) return 'is encrypted but no encryption is configured';
  return isTokenSet(set, v) ? set : 'is not a valid token set';
}

/**
 * What is wrong with a token set a store is given to keep (safe to show: never a secret), or
 * `undefined`: a whole-number version, the shape of a `TokenSet`, at most `MAX_SET_CHARS` as JSON.
 */
export function tokenSetProblem(set: TokenSet, v: unknown = set?.version): string | undefined {
  if (!Number.isSafeInteger(v)) return 'needs a whole-number "version"';
  if (!isTokenSet(set, v as number)) return 'is not a valid token set';
  if (JSON.stringify(set).length > MAX_SET_CHARS) return `is over ${MAX_SET_CHARS} characters`;
  return undefined;
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
