import type { ZenotiAuth } from './zenoti-auth.ts';

/** Set on every engine under a registry symbol, so copies of core recognise each other's engines. */
const BRAND = Symbol.for('@zenoti-auth/core/engine');

/** Marks `engine` as a `ZenotiAuth` engine (see `isZenotiAuth`). */
export function markEngine(engine: object): void {
  Object.defineProperty(engine, BRAND, { value: true });
}

/**
 * Whether `value` is a `ZenotiAuth` engine, from this copy of core or another (ESM and CJS copies
 * of one version, or two versions in one process): adapters accept either.
 */
export function isZenotiAuth(value: unknown): value is ZenotiAuth {
  return typeof value === 'object' && value !== null && (value as { [BRAND]?: unknown })[BRAND] === true;
}
