import { ZenotiAuth, type ZenotiAuthOptions } from '@zenoti-auth/core';

// Engines of a resolver `(req) => options`, so that equal options share one engine (and one token).
// The same rules as Hono's cache: the key is a SHA-256 of the options in a stable order (no secret is
// kept in a key), the store goes by identity, functions are left out (those of the first options seen
// for a key are used), and the least recently used engine goes first beyond `max`.

const storeNumbers = new WeakMap<object, number>();
let storeCount = 0;

/** The store's number: two stores are two identities, however alike they serialise. */
function storeNumber(store: object | undefined): number | undefined {
  if (store === undefined) return undefined;
  let n = storeNumbers.get(store);
  if (n === undefined) {
    n = ++storeCount;
    storeNumbers.set(store, n);
  }
  return n;
}

/** Options as one string: keys sorted at every level, functions dropped, the store by its number. */
function stableText(options: ZenotiAuthOptions): string {
  const { store, ...rest } = options;
  return JSON.stringify([storeNumber(store), rest], (_key, value: unknown) => {
    if (typeof value === 'function') return undefined;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
    const entries = Object.entries(value as Record<string, unknown>);
    return Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  });
}

async function digest(text: string): Promise<string> {
  const bytes = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Engines by credential identity, at most `max`; building one checks its options (`INVALID_OPTIONS`). */
export class EngineCache {
  readonly #engines = new Map<string, ZenotiAuth>();

  constructor(readonly max = 100) {}

  async get(options: ZenotiAuthOptions): Promise<ZenotiAuth> {
    const key = await digest(stableText(options));
    // From here on no await: two first requests at once cannot build two engines for one key.
    const engine = this.#engines.get(key) ?? new ZenotiAuth(options);
    this.#engines.delete(key); // re-inserted last: the most recently used
    this.#engines.set(key, engine);
    if (this.#engines.size > this.max) {
      const oldest = this.#engines.keys().next().value;
      if (oldest !== undefined) this.#engines.delete(oldest);
    }
    return engine;
  }
}
