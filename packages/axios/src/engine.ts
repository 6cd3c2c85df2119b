import { ZenotiAuth, type ZenotiAuthOptions } from '@zenoti-auth/core';
import type { ZenotiAuthOrOptions } from './types.ts';

/**
 * The engine to use: the one given, or a new one built from options. Recognised by shape, not by
 * class, so an engine from an ESM copy of core works with a CJS copy of this package and back.
 * Engines built from equal credentials share one token through core's process-wide store.
 */
export function toEngine(authOrOptions: ZenotiAuthOrOptions): ZenotiAuth {
  // `undefined` or `null` go to core, which names the mistake (`INVALID_OPTIONS`, field `options`).
  return typeof (authOrOptions as { authorization?: unknown } | null | undefined)?.authorization ===
    'function'
    ? (authOrOptions as ZenotiAuth)
    : new ZenotiAuth(authOrOptions as ZenotiAuthOptions);
}
