import { validateBadAppAnswer, validateRevokeAnswer } from './answer-styles.ts';
import { userKeyOf } from './directory.ts';
import { validateLockout } from './lockout.ts';
import { validateLoginPolicy } from './login-policy.ts';
import { checkBoolean, checkMs, checkRefreshReuse } from './options.ts';
import { validateRateLimit } from './rate-limit.ts';
import type { MockState } from './state.ts';
import type {
  BadAppAnswer,
  LockoutOptions,
  LockoutStatus,
  LoginPolicy,
  MockControl,
  MockEndpoint,
  MockFault,
  RateLimitOptions,
  RefreshReuse,
  RevokeAnswer,
  SeedUser,
} from './types.ts';

/** The programmatic control surface over one mock's state. */
export function createControl(state: MockState): MockControl {
  return {
    counters: () => state.counters.snapshot(),
    resetCounters: () => state.counters.reset(),
    reset: () => state.reset(),
    setPassword(accountName: string, username: string, password: string): void {
      if (typeof password !== 'string' || password === '') {
        throw new Error('zenoti-mock: setPassword needs a non-empty password');
      }
      const { org, user } = state.directory.requireUser(accountName, username);
      user.password = password;
      state.tokens.kill(userKeyOf(org.accountName, user.username));
    },
    addUser(accountName: string, user: SeedUser): void {
      state.directory.addUser(accountName, user);
    },
    removeUser(accountName: string, username: string): void {
      const { org, user } = state.directory.requireUser(accountName, username);
      org.users.delete(user.username.toLowerCase());
      state.tokens.kill(userKeyOf(org.accountName, user.username));
      state.lockout.forget(userKeyOf(org.accountName, user.username));
    },
    setLoginPolicy(accountName: string, username: string, policy: LoginPolicy | false | null): void {
      const { user } = state.directory.requireUser(accountName, username);
      const valid = validateLoginPolicy(policy);
      // A policy concerns the next logins (and refreshes): tokens already issued keep working.
      if (valid === undefined) delete user.loginPolicy;
      else user.loginPolicy = valid;
    },
    setLoginPolicyOnRefresh(on: boolean): void {
      state.loginPolicyOnRefresh = checkBoolean('loginPolicyOnRefresh', on);
    },
    setRefreshReuse(mode: RefreshReuse): void {
      state.refreshReuse = checkRefreshReuse(mode);
    },
    setRevokeAnswer(answer: RevokeAnswer): void {
      state.revokeAnswer = validateRevokeAnswer(answer);
    },
    setBadAppAnswer(answer: BadAppAnswer): void {
      state.badAppAnswer = validateBadAppAnswer(answer);
    },
    rotateApiKey: (accountName: string, oldKey: string): string =>
      state.directory.rotateKey(accountName, oldKey, state.now(), state.options.apiKeyRotationGraceMs),
    revokeApiKey: (key: string): void => state.directory.revokeKey(key),
    setAccessTokenTtl(ms: number): void {
      state.accessTokenTtlMs = checkMs('access token TTL', ms, 1);
    },
    setRefreshTokenTtl(ms: number): void {
      state.refreshTokenTtlMs = checkMs('refresh token TTL', ms, 1);
    },
    expireAccessTokens: (): void => state.tokens.expireAllAccess(state.now()),
    setLatency: (ms: number, endpoint?: MockEndpoint): void => state.latency.set(ms, endpoint),
    setRateLimit: (rateLimit: RateLimitOptions | false): void =>
      state.limiter.set(validateRateLimit(rateLimit)),
    setLockout: (lockout: LockoutOptions | false): void => state.lockout.set(validateLockout(lockout)),
    lockoutStatus(accountName: string, username: string): LockoutStatus {
      const { org, user } = state.directory.requireUser(accountName, username);
      return state.lockout.status(userKeyOf(org.accountName, user.username), state.now());
    },
    unlockUser(accountName: string, username: string): void {
      const { org, user } = state.directory.requireUser(accountName, username);
      state.lockout.forget(userKeyOf(org.accountName, user.username));
    },
    injectFault: (endpoint: MockEndpoint, fault: MockFault, times?: number): void =>
      state.faults.inject(endpoint, fault, times),
    clearFaults: (): void => state.faults.clear(),
    advanceTime: (ms: number): void => state.clock.advance(ms),
    now: (): number => state.now(),
    requests: () => state.requests.list(),
  };
}
