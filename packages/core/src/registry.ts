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
