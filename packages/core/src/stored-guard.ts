import type { TokenGuard } from './types.ts';

const isWhole = (value: unknown): boolean => Number.isSafeInteger(value) && (value as number) >= 0;

/**
 * Checks a guard (`TokenGuard`) that a shared store read back, or is given to keep: the guard, or
 * what is wrong with it (safe to show: never the value). One rule for every store that keeps guards
 * outside the process (`@zenoti-auth/redis`, `@zenoti-auth/cloudflare`).
 */
export function checkGuard(value: unknown): TokenGuard | string {
  if (typeof value !== 'object' || value === null) return 'is not a guard';
  const { pause, passwordStrikes, refusedRefreshVersion, endedVersion } = value as Record<string, unknown>;
  if (passwordStrikes !== undefined && !isWhole(passwordStrikes)) return 'has a bad "passwordStrikes"';
  if (refusedRefreshVersion !== undefined && !isWhole(refusedRefreshVersion))
    return 'has a bad "refusedRefreshVersion"';
  if (endedVersion !== undefined && !isWhole(endedVersion)) return 'has a bad "endedVersion"';
  if (pause !== undefined) {
    const { reason, code, until, status, message } = (pause ?? {}) as Record<string, unknown>;
    if (
      !['credentials', 'locked', 'rate-limit'].includes(reason as string) ||
      ![undefined, 'CREDENTIALS_REJECTED', 'LOGIN_BLOCKED', 'ACCOUNT_LOCKED'].includes(code as string) ||
      !Number.isFinite(until) ||
      typeof message !== 'string' ||
      (status !== undefined && !isWhole(status))
    )
      return 'has a bad "pause"';
  }
  return value as TokenGuard;
}
