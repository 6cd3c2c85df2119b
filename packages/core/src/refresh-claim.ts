import { type RefreshHold, STORE_RETRY_MS } from './refresh-policy.ts';
import { keepUntil, type ResilientStore } from './resilient-store.ts';
import type { TokenSet } from './types.ts';

/*
 * The claim on a refresh token: the last step of the fleet rule (rule 6 of `refresh-policy.ts`).
 *
 * The lock's lease can lapse while its holder is cut off from the store: after Zenoti answered its
 * refresh and before the new set is stored. The next holder would then read the old set and send
 * its single-use refresh token a second time, and Zenoti would end the session. So the holder first
 * stores the set with a claim (a random id of its engine, and until when others wait), and sends
 * the refresh token only when that write succeeded. Other processes never send a claimed token: until
 * the claim ends they wait for its result (a live token serves meanwhile); after it, the token counts
 * as spent. The holder itself may send it again (its own retries after a failed refresh), as before.
 *
 * Only a holder of the fleet's lock claims (a lease is what can lapse); a store in this process needs
 * no claim: single flight already keeps one refresh per key.
 */

/** A random id for one engine's claims (not a secret: it names no one). */
export function claimId(): string {
  return globalThis.crypto.randomUUID();
}

/**
 * Stores `set` with this engine's claim on its refresh token, lasting `holdMs`; `undefined` when it
 * may be sent now, else why not (the store failed to record the claim).
 */
export async function claimRefresh(
  store: ResilientStore,
  key: string,
  set: TokenSet,
  by: string,
  now: number,
  holdMs: number,
): Promise<RefreshHold | undefined> {
  if (store.local || set.refreshToken === undefined) return undefined;
  const claimed: TokenSet = { ...set, refreshClaim: { by, until: now + holdMs } };
  const stored = await store.write(key, claimed, Math.max(1_000, keepUntil(claimed) - now));
  if (stored) return undefined;
  return { why: 'the token store failed to record the claim on the refresh token', retryMs: STORE_RETRY_MS };
}
