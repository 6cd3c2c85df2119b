import type { TokenSet } from '@zenoti-auth/core';
import type { TokenSetCipher } from '@zenoti-auth/core/encryption';
import { openTokenSet, type StoredSet, sealTokenSet } from '@zenoti-auth/core/shared-store';

/*
 * A stored value is core's stored form of a token set (`@zenoti-auth/core/shared-store`, the same
 * for every shared store) as JSON: `{v, s: set}` in plain text, or `{v, k: key id, e: sealed}` with
 * the Redis key and the version as authenticated data. The version stays readable for the Lua scripts.
 */

/** `set` as stored under `redisKey`. */
export async function encode(
  cipher: TokenSetCipher | undefined,
  redisKey: string,
  set: TokenSet,
): Promise<string> {
  return JSON.stringify(await sealTokenSet(cipher, redisKey, set));
}

function envelopeOf(raw: string): StoredSet | undefined {
  try {
    return JSON.parse(raw);
  } catch {
    // Not JSON: not an envelope either.
  }
}

/** The version a stored value carries in clear, readable or not; `undefined` when it has none. */
export function versionIn(raw: string): number | undefined {
  const v = envelopeOf(raw)?.v;
  return Number.isSafeInteger(v) ? v : undefined;
}

/** The token set of a stored value, or what is wrong with it (safe to show: no secret). */
export function decode(
  cipher: TokenSetCipher | undefined,
  redisKey: string,
  raw: string,
): Promise<TokenSet | string> {
  return openTokenSet(cipher, redisKey, envelopeOf(raw));
}
