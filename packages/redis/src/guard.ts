import { checkGuard, type TokenGuard } from '@zenoti-auth/core';

/**
 * Reads a guard (`TokenGuard`) as stored: plain JSON, since it holds no secret. Returns the guard,
 * or what is wrong with the value (never the value itself), for a warning. The rule is core's
 * `checkGuard`, shared with the other stores.
 */
export function parseGuard(raw: string): TokenGuard | string {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return 'is not JSON';
  }
  return checkGuard(value);
}
