import type { ResolvedStoreOptions } from './options.ts';

/** Numbers for ciphers, which take part in a store's identity by object. */
const cipherIds = new WeakMap<object, number>();
let lastCipherId = 0;

/** The stores of this isolate, by namespace binding (the same object for every request) and options. */
const stores = new WeakMap<object, Map<string, object>>();

/**
 * The store already made in this isolate for the same namespace and options, or `undefined` after
 * registering `store` as the one for them. Functions (`onWarning`) take no part: the first stays.
 */
export function reuse<S extends object>(o: ResolvedStoreOptions, store: S): S | undefined {
  const { namespace, name, lockTtlMs, waitTimeoutMs, callTimeoutMs, encryption } = o;
  let cipher = 0;
  if (encryption) {
    cipher = cipherIds.get(encryption) ?? ++lastCipherId;
    cipherIds.set(encryption, cipher);
  }
  const signature = JSON.stringify([name ?? null, lockTtlMs, waitTimeoutMs, callTimeoutMs, cipher]);
  let byOptions = stores.get(namespace);
  if (!byOptions) {
    byOptions = new Map();
    stores.set(namespace, byOptions);
  }
  const same = byOptions.get(signature) as S | undefined;
  if (same) return same;
  byOptions.set(signature, store);
  return undefined;
}
