import { isZenotiAuth, ZenotiAuth, type ZenotiAuthOptions } from '@zenoti-auth/core';
import type { ZenotiAuthOrOptions } from './types.ts';

/**
 * The engine to use: the one given, or a new one built from options. Core's `isZenotiAuth` tells an
 * engine by its brand, so one from an ESM copy of core works with a CJS copy of this package and
 * back; anything else is options, which core validates (`undefined`, `null` and a look-alike object
 * included: `INVALID_OPTIONS` naming the field). Engines built from equal credentials share one
 * token through core's process-wide store.
 */
export function toEngine(authOrOptions: ZenotiAuthOrOptions): ZenotiAuth {
  return isZenotiAuth(authOrOptions) ? authOrOptions : new ZenotiAuth(authOrOptions as ZenotiAuthOptions);
}
