import type { TokenGuard, TokenSet, TokenStore, TokenStoreLock } from '@zenoti-auth/core';

/** The options of the store the bridge worker builds (see test/workers/store-bridge.ts). */
export interface BridgeStoreOptions {
  name?: string;
  encrypted?: boolean;
  lockTtlMs?: number;
}

/**
 * A `TokenStore` in Node whose every operation is done by a `DurableObjectTokenStore` in workerd
 * (POST `<url>/store/<op>`), against the real Durable Object: how the store contract reaches it.
 */
export function bridgeStore(url: string, store: BridgeStoreOptions = {}): TokenStore {
  const call = async <T>(op: string, args: Record<string, unknown>): Promise<T> => {
    const res = await fetch(`${url}/store/${op}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ store, ...args }),
      signal: AbortSignal.timeout(30_000),
    });
    if (!res.ok) throw new Error(`store bridge: ${op} answered ${res.status}: ${await res.text()}`);
    return (await res.json()) as T;
  };
  return {
    local: false,
    get: async (key) => (await call<{ set: TokenSet | null }>('get', { key })).set ?? undefined,
    set: async (key, value, ttlMs) => void (await call('set', { key, value, ttlMs })),
    delete: async (key, ifVersion) => void (await call('delete', { key, ifVersion })),
    getGuard: async (key) =>
      (await call<{ guard: TokenGuard | null }>('getGuard', { key })).guard ?? undefined,
    setGuard: async (key, guard, ttlMs) =>
      void (await call('setGuard', { key, guard: guard ?? null, ttlMs })),
    // Each try is one attempt in the worker (no wait there); the wait, until `signal` fires, is here.
    async lock(key, { ttlMs, signal }): Promise<TokenStoreLock | undefined> {
      for (;;) {
        const { handle } = await call<{ handle: string | null }>('lock', { key, ttlMs, waitMs: 0 });
        if (handle) return { release: async () => void (await call('release', { key, handle })) };
        if (signal?.aborted ?? true) return undefined;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
  };
}
