import { ZenotiAuthError } from '@zenoti-auth/core';

/**
 * Starts every message and warning of this package. Configuration mistakes are core's
 * `invalidOption('cloudflare', field, problem)`, which starts them the same way.
 */
export const TAG = '[@zenoti-auth/cloudflare] ';

/**
 * The error every failed call to the Durable Object rejects with: `ZenotiAuthError` code `STORE`.
 * Of a failure only its name is kept as `cause`, never its message (it could echo a request body,
 * and a token set is a request body).
 */
export function storeError(message: string, cause?: unknown): ZenotiAuthError {
  const name = (cause as { name?: unknown } | undefined)?.name;
  return new ZenotiAuthError('STORE', TAG + message, {
    cause:
      cause === undefined
        ? undefined
        : Object.assign(new Error(String(name)), { name: 'DurableObjectError' }),
  });
}
