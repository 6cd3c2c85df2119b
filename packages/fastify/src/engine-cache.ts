import { ZenotiAuth, type ZenotiAuthOptions } from '@zenoti-auth/core';

// Engines of a resolver `{ resolve: (request) => options }`, by the rules of Hono's adapter: equal
// options share one engine (and so one token), never one engine per request.

const storeIds = new WeakMap<object, number>();
let lastStoreId = 0;

/**
 * A stable serialisation of options: sorted keys, the store by identity, functions left out
 * (hooks such as `onEvent` or `fetch` come from the first options seen for a key).
 */
function serialise(options: ZenotiAuthOptions): string {
  // The store goes by identity (before JSON.stringify, which would call its toJSON()).
  const { store, ...rest } = options;
  let id = store && storeIds.get(store);
  if (store && id === undefined) {
    id = ++lastStoreId;
    storeIds.set(store, id);
  }
  return JSON.stringify([id, rest], (_key: string, value: unknown) => {
    if (typeof value === 'function') return undefined;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
    const record = value as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(record)
        .sort()
        .map((k) => [k, record[k]]),
    );
  });
}

async function sha256(text: string): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Engines by credential identity, least recently used dropped first. Keys are SHA-256 digests of
 * the serialised options, so no secret is ever held in a key. A dropped engine costs nothing
 * but its rebuild: tokens live in the store, shared by identity.
 */
export class EngineCache {
  readonly #engines = new Map<string, ZenotiAuth>();
  readonly #max: number;

  constructor(max = 100) {
    this.#max = max;
  }

  /** The engine for these options, built on first use (throws `INVALID_OPTIONS` for bad options). */
  async get(options: ZenotiAuthOptions): Promise<ZenotiAuth> {
    const key = await sha256(serialise(options));
    // No await from here on: concurrent first requests cannot build two engines for one key.
    const engine = this.#engines.get(key) ?? new ZenotiAuth(options);
    this.#engines.delete(key);
    this.#engines.set(key, engine);
    if (this.#engines.size > this.#max) this.#engines.delete(this.#engines.keys().next().value as string);
    return engine;
  }
}
