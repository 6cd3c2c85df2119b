import type { TokenGuard, TokenSet, TokenStore, TokenStoreLock } from '@zenoti-auth/core';
import { describe, expect, it } from 'vitest';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export interface ContractOptions {
  /** Whether the store implements the cross-process lock. */
  lock: boolean;
  /** Whether the store shares guards (`getGuard`/`setGuard`: a fleet's pauses). */
  guards: boolean;
}

let serial = 0;
/** A realistic token set (secrets are random, long, full of base64 characters). */
export function tokenSet(version: number, extra: Partial<TokenSet> = {}): TokenSet {
  serial++;
  const now = Date.now();
  return {
    accessToken: `AN:demo-spa|$ARD#${serial}+/=${crypto.randomUUID()}${'x'.repeat(64)}`,
    accessTokenExpiresAt: now + 3_600_000,
    refreshToken: `AN:demo-spa|$RFR#${serial}-${crypto.randomUUID()}`,
    refreshTokenExpiresAt: now + 7_776_000_000,
    tokenId: crypto.randomUUID(),
    userType: 'Employee',
    obtainedAt: now,
    version,
    ...extra,
  };
}

const key = (): string => `v1:${crypto.randomUUID()}`;

/**
 * The behaviour every `TokenStore` must have, whatever it is backed by (Redis, a Durable Object…). `makeStore` returns a fresh
 * store (cleanup is the caller's, e.g. through `onCleanup`).
 */
export function storeContract(
  name: string,
  makeStore: () => Promise<TokenStore>,
  options: ContractOptions,
): void {
  describe(`TokenStore contract: ${name}`, () => {
    it('answers undefined for a key it never stored', async () => {
      const store = await makeStore();
      expect(await store.get(key())).toBeUndefined();
    });

    it('gives back exactly what was stored (JSON round trip, every field)', async () => {
      const store = await makeStore();
      const k = key();
      const full = tokenSet(1);
      const minimal: TokenSet = { accessToken: 'tok', accessTokenExpiresAt: 2, obtainedAt: 1, version: 7 };
      await store.set(k, full, 60_000);
      await store.set(`${k}:min`, minimal, 60_000);
      expect(await store.get(k)).toEqual(JSON.parse(JSON.stringify(full)));
      expect(await store.get(`${k}:min`)).toEqual(minimal);
    });

    it('forgets a set once its TTL has passed', async () => {
      const store = await makeStore();
      const k = key();
      await store.set(k, tokenSet(1), 150);
      expect(await store.get(k)).toBeDefined();
      await sleep(300);
      expect(await store.get(k)).toBeUndefined();
    });

    it('keeps a newer set when a slow writer brings an older version (monotonic set)', async () => {
      const store = await makeStore();
      const k = key();
      const v2 = tokenSet(2);
      await store.set(k, v2, 60_000);
      await store.set(k, tokenSet(1), 60_000);
      expect((await store.get(k))?.accessToken).toBe(v2.accessToken);
      const v3 = tokenSet(3);
      await store.set(k, v3, 60_000);
      expect((await store.get(k))?.accessToken).toBe(v3.accessToken);
      const again = tokenSet(3);
      await store.set(k, again, 60_000);
      expect((await store.get(k))?.accessToken).toBe(again.accessToken);
    });

    it('deletes unconditionally, and with ifVersion only the version it names (compare-and-delete)', async () => {
      const store = await makeStore();
      const [a, b] = [key(), key()];
      await store.set(a, tokenSet(2), 60_000);
      await store.set(b, tokenSet(5), 60_000);
      await store.delete(a, 1);
      expect((await store.get(a))?.version).toBe(2);
      await store.delete(a, 2);
      expect(await store.get(a)).toBeUndefined();
      await store.delete(b);
      expect(await store.get(b)).toBeUndefined();
      await store.delete(b, 5); // nothing there: no error
    });

    it('keeps keys apart', async () => {
      const store = await makeStore();
      const [a, b] = [key(), key()];
      await store.set(a, tokenSet(1), 60_000);
      await store.set(b, tokenSet(1), 60_000);
      await store.delete(a);
      expect(await store.get(a)).toBeUndefined();
      expect(await store.get(b)).toBeDefined();
    });

    if (options.guards) {
      it('shares a guard: given back as stored, replaced, deleted, forgotten after its TTL, apart from the set', async () => {
        const store = await makeStore();
        const k = key();
        const guard: TokenGuard = {
          pause: { reason: 'credentials', until: Date.now() + 60_000, status: 401, message: 'rejected' },
          passwordStrikes: 2,
          refusedRefreshVersion: 4,
        };
        expect(await store.getGuard?.(k)).toBeUndefined();
        await store.set(k, tokenSet(5), 60_000);
        await store.setGuard?.(k, guard, 60_000);
        expect(await store.getGuard?.(k)).toEqual(guard);
        expect((await store.get(k))?.version).toBe(5);
        await store.setGuard?.(k, { refusedRefreshVersion: 5 }, 150);
        expect(await store.getGuard?.(k)).toEqual({ refusedRefreshVersion: 5 });
        await sleep(400);
        expect(await store.getGuard?.(k)).toBeUndefined();
        await store.setGuard?.(k, guard, 60_000);
        await store.setGuard?.(k, undefined, 0);
        expect(await store.getGuard?.(k)).toBeUndefined();
        expect((await store.get(k))?.version).toBe(5);
      });
    }

    if (options.lock) {
      it('lets one holder at a time have the lock; a waiter gets it after the release', async () => {
        const store = await makeStore();
        const lock = store.lock?.bind(store);
        if (!lock) throw new Error('store has no lock');
        const k = `${key()}:lock`;
        const first = await lock(k, { ttlMs: 10_000 });
        expect(first).toBeDefined();
        expect(await lock(k, { ttlMs: 10_000, signal: AbortSignal.timeout(150) })).toBeUndefined();
        const waiting = lock(k, { ttlMs: 10_000, signal: AbortSignal.timeout(5_000) });
        await sleep(100);
        await first?.release();
        const second = await waiting;
        expect(second).toBeDefined();
        await second?.release();
      });

      it('never has two holders among 12 concurrent contenders', async () => {
        const store = await makeStore();
        const k = `${key()}:lock`;
        let holders = 0;
        let most = 0;
        let acquired = 0;
        const contend = async (): Promise<void> => {
          const held: TokenStoreLock | undefined = await store.lock?.(k, {
            ttlMs: 10_000,
            signal: AbortSignal.timeout(10_000),
          });
          if (!held) return;
          acquired++;
          holders++;
          most = Math.max(most, holders);
          await sleep(15);
          holders--;
          await held.release();
        };
        await Promise.all(Array.from({ length: 12 }, contend));
        expect(most).toBe(1);
        expect(acquired).toBe(12);
      });
    }
  });
}
