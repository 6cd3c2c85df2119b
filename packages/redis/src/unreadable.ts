import type { TokenSet } from '@zenoti-auth/core';
import { versionIn } from './codec.ts';

/**
 * The values a store read and could not read (tampered, another key, not a token set): the last
 * one of each Redis key, at most 1,000 keys. A good read of a key forgets its entry. The rules:
 * - each is reported once per key (not per read): see `noteUnreadable`;
 * - the next `set()` of its key replaces it whatever its version, if it is still that very value
 *   (compare-and-set in TOKEN_SET: whatever another process wrote meanwhile stands), so one damaged
 *   value cannot make every process mint its own token until its TTL ends;
 * - the new set then takes the version above the one the unreadable value carries in clear (when
 *   higher than its own): versions keep growing for every process comparing them. See `repairing`.
 */
export type UnreadableValues = Map<string, string>;

/** Notes `raw`, found unreadable under `redisKey`. Returns whether to report it (the first time). */
export function noteUnreadable(values: UnreadableValues, redisKey: string, raw: string): boolean {
  const first = !values.has(redisKey);
  if (first && values.size >= 1_000) values.clear();
  values.set(redisKey, raw);
  return first;
}

/**
 * What to write under `redisKey` to store `value`: the set (its version raised past an unreadable
 * value's), and the unreadable value to replace, if any (TOKEN_SET's ARGV[5]).
 */
export function repairing(
  values: UnreadableValues,
  redisKey: string,
  value: TokenSet,
): [set: TokenSet, replacing: string[]] {
  const unreadable = values.get(redisKey);
  if (unreadable === undefined) return [value, []];
  const seen = versionIn(unreadable);
  const higher = seen !== undefined && seen >= value.version && seen < Number.MAX_SAFE_INTEGER;
  return [higher ? { ...value, version: seen + 1 } : value, [unreadable]];
}
