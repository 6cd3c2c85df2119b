import { ZenotiAuthError } from '@zenoti-auth/core';

/**
 * A short description of a Redis client error: its name and code only. The message is left out on
 * purpose: clients may echo command arguments, and a token set is a command argument.
 */
function describeRedisError(error: unknown): string {
  if (error instanceof ZenotiAuthError) return error.code;
  if (!(error instanceof Error)) return typeof error;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && /^[A-Z_]{2,40}$/.test(code) ? `${error.name} ${code}` : error.name;
}

/** The error every failed Redis call rejects with: `ZenotiAuthError` code `STORE`, no secret inside. */
export function storeError(message: string, cause?: unknown): ZenotiAuthError {
  const safe = cause === undefined ? undefined : new Error(describeRedisError(cause));
  if (safe) safe.name = 'RedisError';
  return new ZenotiAuthError('STORE', `[@zenoti-auth/redis] ${message}`, { cause: safe });
}
