import { ZenotiAuthError } from '@zenoti-auth/core';

/**
 * Starts every message and warning of this package. Configuration mistakes are core's
 * `invalidOption('redis', field, problem)`, which starts them the same way.
 */
export const TAG = '[@zenoti-auth/redis] ';

/**
 * The error every failed Redis call rejects with: `ZenotiAuthError` code `STORE`. Of a client error
 * only its name and code are kept as `cause`, never its message: clients may echo command arguments,
 * and a token set is a command argument.
 */
export function storeError(message: string, cause?: unknown): ZenotiAuthError {
  const { name, code } = (cause ?? {}) as { name?: unknown; code?: string };
  return new ZenotiAuthError('STORE', TAG + message, {
    cause:
      cause === undefined
        ? undefined
        : Object.assign(new Error(/^[A-Z_]{2,40}$/.test(code as string) ? `${name} ${code}` : `${name}`), {
            name: 'RedisError',
          }),
  });
}
