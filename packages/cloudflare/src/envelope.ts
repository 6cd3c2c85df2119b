import { type StoredSet, tokenSetProblem } from '@zenoti-auth/core/shared-store';

/*
 * A token set as the store hands it to the object is core's stored form (`StoredSet` of
 * `@zenoti-auth/core/shared-store`: `{ v, s: set }` in plain text, or `{ v, k: key id, e: sealed }`
 * with the store key and the version as authenticated data), the same as every shared store's. The
 * version stays in clear for the object's monotonic writes. Here: what the object accepts to keep.
 */

/**
 * Whether `value` is a stored set the object may keep: a version, and a plain set of that version
 * (core's `tokenSetProblem`) or a sealed one (its size bounded by the request's).
 */
export function isStoredSet(value: StoredSet | undefined): value is StoredSet {
  if (!Number.isSafeInteger(value?.v) || !value) return false;
  return value.s !== undefined
    ? tokenSetProblem(value.s, value.v) === undefined
    : typeof value.e === 'string' && value.e !== '' && typeof value.k === 'string' && value.k.length <= 200;
}
