/**
 * One `V` per `key` object for the whole process, kept on `globalThis` under `Symbol.for(name)`, so
 * that an ESM and a CJS copy of this package (or two bundles of it) agree: e.g. the state of a token
 * store, or the permit queue of a rate budget.
 */
export function processWide<K extends object, V>(name: string, key: K, create: () => V): V {
  const symbol = Symbol.for(name);
  const holder = globalThis as unknown as Record<symbol, WeakMap<K, V> | undefined>;
  const registry = holder[symbol] ?? new WeakMap<K, V>();
  holder[symbol] = registry;
  let value = registry.get(key);
  if (value === undefined) {
    value = create();
    registry.set(key, value);
  }
  return value;
}

/**
 * Where a budget given to `pacedBudget()` (`@zenoti-auth/core/rate-budget`) keeps the way to its
 * permits: a registry symbol, as that entry is built apart from the main one (and its ESM copy may
 * pace a budget an engine of the CJS copy uses). `v2` names the shape of `Permits`.
 */
export const PACED = Symbol.for('@zenoti-auth/core/v2/paced-budget');
