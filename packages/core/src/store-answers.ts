import type { TokenSet, TokenStoreLock } from './types.ts';

/** A set as the engine read it, and whether the store itself answered with it. */
export interface StoreRead {
  set: TokenSet | undefined;
  /** `false` when the store failed and `set` is the last one this process saw. */
  fromStore: boolean;
}

/**
 * What asking for the store's cross-process lock gave: the lock; `'held elsewhere'` (another holder
 * kept it past the wait); `'failed'` (the store failed: nobody can tell who holds it); `'no lock'`
 * (the store has none: single flight in this process is all there is).
 */
export type LockOutcome = TokenStoreLock | 'held elsewhere' | 'failed' | 'no lock';
