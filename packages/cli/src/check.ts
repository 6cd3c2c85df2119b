import {
  type EpochMilliseconds,
  MemoryTokenStore,
  type TokenSet,
  ZenotiAuth,
  type ZenotiAuthOptions,
} from '@zenoti-auth/core';
import { zenotiOptionsFromEnv } from '@zenoti-auth/core/env';
import { type CallRecord, CallRecorder, type RateLimitSeen } from './call-recorder.ts';
import { type ReportedError, reportedError, safeError, withoutSecrets } from './safe-error.ts';

export type { CallRecord, RateLimitSeen } from './call-recorder.ts';

/** The API key's check: one small read, one item of a list every key may read. */
export const API_KEY_CHECK_PATH = '/v1/centers?size=1';

/** What `checkCredentials` found. Every field is always there (`null` when it does not apply). */
export interface CheckReport {
  ok: boolean;
  /** `apiKey` or `token` (an app and its service user); `null` when the variables name neither. */
  mode: 'apiKey' | 'token' | null;
  baseUrl: string | null;
  accountName: string | null;
  appId: string | null;
  /** The service user's name (never its password). */
  username: string | null;
  /** How many requests reached Zenoti: 1, or 0 when the variables were already wrong. */
  calls: number;
  /** The request that checked the credential, and Zenoti's status. */
  call: CallRecord | null;
  /** The token Zenoti gave (token mode), without the token itself. Times: ms since the Unix epoch, as core's. */
  token: {
    expiresAt: EpochMilliseconds;
    refreshTokenExpiresAt: EpochMilliseconds | null;
    userType: string | null;
  } | null;
  /** Zenoti's login policy evaluation of the sign-in, when its answer carried one. */
  loginPolicy: {
    allowLogin: boolean;
    passwordExpiryReminder: boolean;
    policyAction: string | null;
    userId: string | null;
  } | null;
  /** Zenoti's rate-limit headers on that answer (`null` when it sent none). */
  rateLimit: RateLimitSeen | null;
  error: ReportedError | null;
}

/** Keeps the token set the engine writes, to report its expiry and login policy (never its tokens). */
class LastSet extends MemoryTokenStore {
  last: TokenSet | undefined;
  override set(key: string, value: TokenSet, ttlMs: number): void {
    this.last = value;
    super.set(key, value, ttlMs);
  }
}

function emptyReport(): CheckReport {
  return {
    ok: false,
    mode: null,
    baseUrl: null,
    accountName: null,
    appId: null,
    username: null,
    calls: 0,
    call: null,
    token: null,
    loginPolicy: null,
    rateLimit: null,
    error: null,
  };
}

function describeSet(report: CheckReport, set: TokenSet): void {
  report.token = {
    expiresAt: set.accessTokenExpiresAt,
    refreshTokenExpiresAt: set.refreshTokenExpiresAt ?? null,
    userType: set.userType ?? null,
  };
  const policy = set.loginPolicy;
  report.loginPolicy = policy
    ? {
        allowLogin: policy.allowLogin,
        passwordExpiryReminder: policy.passwordExpiryReminder,
        policyAction: policy.policyAction ?? null,
        userId: policy.userId ?? null,
      }
    : null;
}

/**
 * Signs in as the deployed app will, once: with an API key, one small read
 * (`GET /v1/centers?size=1`); with an app and a service user, one password grant. Never a revoke
 * (it would end every session of the user, production's included), never a retry: a 429 or a 5xx
 * is reported as it came. Resolves a report in every case; no field holds a secret.
 *
 * @param env the `ZENOTI_*` variables, as `zenotiOptionsFromEnv` (from `@zenoti-auth/core/env`) reads them.
 */
export async function checkCredentials(env: Readonly<Record<string, unknown>>): Promise<CheckReport> {
  const report = emptyReport();
  let options: ZenotiAuthOptions;
  try {
    options = zenotiOptionsFromEnv(env);
  } catch (error) {
    report.error = safeError(error);
    return report;
  }
  const { apiKey, app, user } = options;
  const secrets = [typeof apiKey === 'string' ? apiKey : undefined, app?.appSecret, user?.password];
  report.mode = apiKey === undefined ? 'token' : 'apiKey';
  report.accountName = app?.accountName ?? null;
  report.appId = app?.appId ?? null;
  report.username = user?.username ?? null;
  if (app && !user) {
    report.error = reportedError(
      'INVALID_OPTIONS',
      'Environment variable ZENOTI_USERNAME is missing: the check signs the service user in (ZENOTI_USERNAME and ZENOTI_PASSWORD); an app without one has no credential to check alone.',
      { field: 'ZENOTI_USERNAME' },
    );
    return report;
  }
  const store = new LastSet();
  const calls = new CallRecorder();
  try {
    const zenoti = new ZenotiAuth({
      ...options,
      store,
      // One request, whatever Zenoti answers: a 5xx or a 429 is the finding, not something to wait out.
      retry: { retries: 0 },
      rateLimit: { maxRetries: 0 },
      fetch: calls.fetch,
    });
    report.baseUrl = zenoti.baseUrl;
    if (report.mode === 'apiKey') await readOnce(zenoti, report);
    else await zenoti.authorization();
  } catch (error) {
    report.error = safeError(error);
  }
  if (store.last) describeSet(report, store.last);
  report.calls = calls.count;
  report.call = calls.last?.call ?? null;
  report.rateLimit = calls.last?.rateLimit ?? null;
  report.ok = report.error === null;
  const tokens = [store.last?.accessToken, store.last?.refreshToken];
  return withoutSecrets(report, [...secrets, ...tokens]);
}

/** The API key's read: any success passes; a 401 is core's `UNAUTHORIZED`; anything else is reported. */
async function readOnce(zenoti: ZenotiAuth, report: CheckReport): Promise<void> {
  const response = await zenoti.fetch(API_KEY_CHECK_PATH);
  await response.body?.cancel();
  if (response.ok) return;
  report.error = reportedError(
    'UNEXPECTED_STATUS',
    `Zenoti answered ${response.status} to GET ${API_KEY_CHECK_PATH}${response.status === 403 ? ': the API key may not read centers' : ''}.`,
    { status: response.status, transient: response.status >= 500 },
  );
}
