import { ZenotiAuth } from '@zenoti-auth/core';

/** The name of the configuration that `ZenotiAuthModule.forRoot()` registers when no `name` is given. */
export const DEFAULT_ZENOTI_AUTH_NAME = 'default';

/** `true` for `undefined` and `'default'`: the configuration injected as the `ZenotiAuth` class itself. */
export function isDefaultName(name: string | undefined): boolean {
  return name === undefined || name === DEFAULT_ZENOTI_AUTH_NAME;
}

/**
 * The injection token of a configuration's `ZenotiAuth`: the `ZenotiAuth` class for the default one,
 * the string `ZenotiAuth:<name>` for a named one. Use it with `moduleRef.get()` or in `inject: [...]`.
 */
export function getZenotiAuthToken(name?: string): typeof ZenotiAuth | string {
  return isDefaultName(name) ? ZenotiAuth : `ZenotiAuth:${name}`;
}
