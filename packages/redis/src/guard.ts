import type { TokenGuard } from '@zenoti-auth/core';

const isWhole = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;

/**
 * Reads a guard (`TokenGuard`) as stored: plain JSON, since it holds no secret. Returns the guard,
 * or what is wrong with the value (never the value itself), for a warning.
 */
export function parseGuard(raw: string): TokenGuard | string {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return 'is not JSON';
  }
  if (typeof value !== 'object' || value === null) return 'is not a guard';
  const { pause, passwordStrikes, refusedRefreshVersion } = value as Record<string, unknown>;
  if (passwordStrikes !== undefined && !isWhole(passwordStrikes)) return 'has a bad "passwordStrikes"';
  if (refusedRefreshVersion !== undefined && !isWhole(refusedRefreshVersion))
    return 'has a bad "refusedRefreshVersion"';
  if (pause !== undefined) {
    const { reason, code, until, status, message } = (pause ?? {}) as Record<string, unknown>;
    if (
      !['credentials', 'locked', 'rate-limit'].includes(reason as string) ||
      ![undefined, 'CREDENTIALS_REJECTED', 'LOGIN_BLOCKED', 'ACCOUNT_LOCKED'].includes(code as string) ||
      typeof until !== 'number' ||
      !Number.isFinite(until) ||
      typeof message !== 'string' ||
      (status !== undefined && !isWhole(status))
    )
      return 'has a bad "pause"';
  }
  return value as TokenGuard;
}
