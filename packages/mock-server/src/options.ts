import { validateBadAppAnswer, validateRevokeAnswer } from './answer-styles.ts';
import { DEMO_SEED } from './demo-seed.ts';
import { DEFAULT_LOCKOUT, validateLockout } from './lockout.ts';
import { DEFAULT_RATE_LIMIT, type ResolvedRateLimit, validateRateLimit } from './rate-limit-options.ts';
import { validateSeed } from './seed.ts';
import type {
  BadAppAnswer,
  LockoutOptions,
  MockSeed,
  MockZenotiOptions,
  RefreshReuse,
  RevokeAnswer,
} from './types.ts';

/** `MockZenotiOptions` checked, with every default filled in. */
export interface ResolvedOptions {
  seed: MockSeed;
  accessTokenTtlMs: number;
  refreshTokenTtlMs: number;
  rateLimit: ResolvedRateLimit | false;
  lockout: Required<LockoutOptions> | false;
  strictScheme: boolean;
  latencyMs: number;
  controlRoutes: boolean;
  log: ((line: string) => void) | undefined;
  apiKeyRotationGraceMs: number;
  revokeAnswer: RevokeAnswer;
  badAppAnswer: BadAppAnswer;
  loginPolicyOnRefresh: boolean;
  refreshReuse: RefreshReuse;
}

/** Throws unless `value` is a `RefreshReuse`; names the option. */
export function checkRefreshReuse(value: unknown): RefreshReuse {
  if (value !== 'reject' && value !== 'end-session') {
    throw new Error(
      `zenoti-mock: refreshReuse must be "reject" or "end-session"; got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

/** Throws unless `value` is a boolean; names the option. */
export function checkBoolean(name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') {
    throw new Error(`zenoti-mock: ${name} must be true or false; got ${JSON.stringify(value)}`);
  }
  return value;
}

/** Throws unless `value` is a finite number ≥ `min`; names the option. */
export function checkMs(name: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    throw new Error(
      `zenoti-mock: ${name} must be a finite number ≥ ${min} (milliseconds); got ${String(value)}`,
    );
  }
  return value;
}

/** Validates the options once, at start-up, with an error naming the field. Never mutates the input. */
export function resolveOptions(options: MockZenotiOptions): ResolvedOptions {
  const { log } = options;
  // `log: true` prints to the console, a function receives each line, `false` or nothing is silent.
  if (log !== undefined && typeof log !== 'boolean' && typeof log !== 'function') {
    throw new Error('zenoti-mock: log must be a boolean or a function');
  }
  // The clock itself is read later; only its shape can be checked here.
  if (options.now !== undefined && typeof options.now !== 'function') {
    throw new Error('zenoti-mock: now must be a function returning milliseconds since the epoch');
  }
  return {
    // A given seed is validated into a normalised deep copy, so the caller's object is never touched.
    seed: options.seed === undefined ? DEMO_SEED : validateSeed(options.seed),
    // Token lifetimes are at least 1 ms: a token must be live for a moment after it is issued.
    // Defaults are Zenoti's: access tokens last 24 h, refresh tokens 90 days.
    accessTokenTtlMs: checkMs('accessTokenTtlMs', options.accessTokenTtlMs ?? 86_400_000, 1),
    refreshTokenTtlMs: checkMs('refreshTokenTtlMs', options.refreshTokenTtlMs ?? 7_776_000_000, 1),
    rateLimit: validateRateLimit(options.rateLimit ?? DEFAULT_RATE_LIMIT),
    // Zenoti locks a login after 5 rejected passwords; `false` never locks.
    lockout: validateLockout(options.lockout ?? DEFAULT_LOCKOUT),
    strictScheme: options.strictScheme ?? false,
    // 0 means no added latency.
    latencyMs: checkMs('latencyMs', options.latencyMs ?? 0, 0),
    controlRoutes: options.controlRoutes ?? false,
    log: log === true ? (line) => console.log(line) : log === false ? undefined : log,
    // A rotated API key keeps working this long (default 7 days); 0 retires it at once.
    apiKeyRotationGraceMs: checkMs('apiKeyRotationGraceMs', options.apiKeyRotationGraceMs ?? 604_800_000, 0),
    // Today's JSON body unless told otherwise; Zenoti documents no body for a revoke.
    revokeAnswer: validateRevokeAnswer(options.revokeAnswer ?? 'json'),
    // "401 Invalid account" is the more often reported answer to bad app credentials.
    badAppAnswer: validateBadAppAnswer(options.badAppAnswer ?? '401'),
    // A refresh answers with the same envelope as a login, so it evaluates the policy too by default.
    loginPolicyOnRefresh: checkBoolean('loginPolicyOnRefresh', options.loginPolicyOnRefresh ?? true),
    // Zenoti is silent on what a reused refresh token does beyond failing: by default, only that.
    refreshReuse: checkRefreshReuse(options.refreshReuse ?? 'reject'),
  };
}
