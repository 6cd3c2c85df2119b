import type { TokenSet } from '@zenoti-auth/core';
import type { TokenSetCipher } from '@zenoti-auth/core/encryption';

/**
 * A stored value: `{v, s: set}` in plain text, or `{v, k: key id, e: sealed}` with the Redis key and
 * the version as authenticated data (so a value cannot be moved to another key or given another
 * version). The version stays readable for the Lua scripts.
 */
export async function encode(
  cipher: TokenSetCipher | undefined,
  redisKey: string,
  set: TokenSet,
): Promise<string> {
  const v = set.version;
  return JSON.stringify(
    cipher
      ? { v, k: await cipher.keyId(), e: await cipher.encrypt(JSON.stringify(set), `${redisKey}\n${v}`) }
      : { v, s: set },
  );
}

type Envelope = { v?: number; k?: unknown; s?: TokenSet; e?: string } | undefined;

function envelopeOf(raw: string): Envelope {
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
export async function decode(
  cipher: TokenSetCipher | undefined,
  redisKey: string,
  raw: string,
): Promise<TokenSet | string> {
  const envelope = envelopeOf(raw);
  const v = envelope?.v as number;
  let set = envelope?.s;
  if (!Number.isSafeInteger(v)) return 'is not a token-set envelope';
  if (cipher) {
    if (typeof envelope?.e !== 'string') return 'is in plain text but encryption is configured';
    if (envelope.k !== (await cipher.keyId())) return 'was encrypted with another key';
    try {
      set = JSON.parse(await cipher.decrypt(envelope.e, `${redisKey}\n${v}`));
    } catch {
      return 'could not be decrypted (changed or moved data)';
    }
  } else if (!set) return 'is encrypted but no encryption is configured';
  // The shape of a TokenSet of this version.
  return typeof set?.accessToken === 'string' &&
    set.accessToken !== '' &&
    set.version === v &&
    [set.accessTokenExpiresAt, set.obtainedAt, set.refreshTokenExpiresAt ?? 0].every(Number.isFinite) &&
    [set.refreshToken, set.tokenId, set.userType].every(
      (text) => text === undefined || typeof text === 'string',
    )
    ? set
    : 'is not a valid token set';
}
