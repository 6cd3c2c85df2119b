import { invalidOption, type ZenotiAuthErrorCode } from '../errors.ts';
import { healthSourcesOf } from '../health-sources.ts';
import type { EpochMilliseconds } from '../time.ts';
import { isRecord } from '../token-response.ts';
import type { ZenotiAuth } from '../zenoti-auth.ts';
import { budgetCheck, credentialCheck, tokenChecks } from './health-checks.ts';
import { probeZenoti } from './health-probe.ts';

/*
 * What `healthOf(engine)` reports. Each check has a status; the engine's is the worst of them, and
 * `ok` is true unless it is `down` (the engine can serve calls, perhaps slowed).
 *
 * down: no usable credential, calls fail until something changes.
 *   1. The last call with the credential failed with a final code (`CREDENTIALS_REJECTED`,
 *      `LOGIN_BLOCKED`, `ACCOUNT_LOCKED`, an API key's `UNAUTHORIZED`, a 4xx `TOKEN_ENDPOINT` …) and
 *      nothing succeeded since; or token calls are paused for a rejected password or a locked account.
 *   2. No usable credential is at hand (the token expired, or a 401 proved it dead; no API key could
 *      be read) and the last attempt to get one failed, transient or not.
 *   3. An end user (`principal`) has no session: they must sign in again.
 *   4. The probe failed with a final code.
 * degraded: calls work, or will, but something is wrong that the engine rides out.
 *   5. The last token call failed transiently while the current token still serves.
 *   6. The shared token store does not answer (this process carries on alone).
 *   7. Zenoti's rate window is spent (nothing left until it ends), or half of
 *      `rateLimit.maxQueued` calls wait for a permit.
 *   8. The probe met a transient failure, or Zenoti answered it with other than 2xx.
 * ok: everything else. A fresh engine that has made no call yet is ok, `lastSuccess` undefined.
 *
 * Every time is `EpochMilliseconds` (ms since the Unix epoch, a number: the snapshot serialises as
 * it is and compares as numbers). Nothing here calls Zenoti unless `probe: true` (`health-probe.ts`); the store is read once (the
 * token key), bounded by `timeoutMs`. No secret, token or principal is ever part of the result.
 */

export type ZenotiHealthStatus = 'ok' | 'degraded' | 'down';

interface Check {
  status: ZenotiHealthStatus;
  /** Why it is not ok: a fixed text with error codes, never a secret. */
  reason?: string | undefined;
}

/** A failure as reported: its code, whether it may pass by itself, and when. */
export interface ZenotiHealthFailure {
  code: ZenotiAuthErrorCode;
  transient: boolean;
  /** When it failed, ms since the Unix epoch (engine clock, `options.now`). */
  at: EpochMilliseconds;
}

export interface ZenotiHealthChecks {
  /** The API key, or the app credentials and user behind the token. */
  credential: Check & {
    mode: 'apiKey' | 'token';
    /** Token mode: when the token in use was obtained. API key: when Zenoti last accepted a call. Ms since the Unix epoch (engine clock). */
    lastSuccess: EpochMilliseconds | undefined;
    /** The last failed call with the credential (a token call; an API key's 401 or failed read). */
    lastError: ZenotiHealthFailure | undefined;
  };
  /** Token mode: the token of the service user (or of `principal`). */
  token?:
    | (Check & {
        present: boolean;
        /** When the access token expires, ms since the Unix epoch (engine clock), as `TokenEvent.expiresAt`. */
        expiresAt?: EpochMilliseconds | undefined;
        ageMs?: number | undefined;
      })
    | undefined;
  /** Token mode: the token store. `shared`: a remote store (Redis, a Durable Object). */
  store?:
    | (Check & {
        reachable: boolean;
        shared: boolean;
        /** The store's last failure; `at`: ms since the Unix epoch (real clock). */
        lastError?: { message: string; at: EpochMilliseconds } | undefined;
      })
    | undefined;
  /**
   * Zenoti's rate window as it last reported it (`remaining` calls until `windowEnd`; both unknown
   * until Zenoti says, and after the window ended), and the calls of this process waiting for a
   * permit of the rate budget. `windowEnd`: ms since the Unix epoch (real clock: budgets wait in real time).
   */
  budget: Check & { remaining: number | undefined; windowEnd: EpochMilliseconds | undefined; queued: number };
  /** With `probe: true`: the one call made to Zenoti, how long it took, and its outcome. */
  probe?: ZenotiProbeCheck | undefined;
}

export type ZenotiProbeCheck = Check & {
  /** `token`: a token grant was due and was the call; `read`: a small read (`GET /v1/centers?size=1`). */
  call: 'token' | 'read';
  ms: number;
  /** Zenoti's answer to a read, when it answered. */
  httpStatus?: number | undefined;
  /** The error code, when the call failed. */
  code?: ZenotiAuthErrorCode | undefined;
};

export interface ZenotiHealth {
  /** `false` only when `status` is `down`. */
  ok: boolean;
  status: ZenotiHealthStatus;
  checks: ZenotiHealthChecks;
}

export interface ZenotiHealthOptions {
  /**
   * Make one call to Zenoti and report it: a token grant where one is due (the engine's normal
   * path, never a revoke), else a small read. It spends one call of the organisation's rate
   * limit: not for every liveness check. @default false
   */
  probe?: boolean | undefined;
  /** Report this end user's token (a principal from `login()`; never shown). @default the service user */
  principal?: string | undefined;
}

const RANK: Record<ZenotiHealthStatus, number> = { ok: 0, degraded: 1, down: 2 };

function checkOptions(options: unknown): ZenotiHealthOptions {
  if (options === undefined) return {};
  const bad = (field: string, problem: string) => invalidOption('core', `health.${field}`, problem);
  if (!isRecord(options)) throw bad('options', 'must be an object');
  const { probe, principal } = options;
  if (probe !== undefined && typeof probe !== 'boolean') throw bad('probe', 'must be a boolean');
  if (principal !== undefined && (typeof principal !== 'string' || principal === ''))
    throw bad('principal', 'must be a non-empty string');
  return { probe, principal };
}

/**
 * `{ ok, status: 'ok' | 'degraded' | 'down', checks }`: the engine's credential, token, store and
 * rate budget as it recorded them (see the rules at the top), for a readiness check or a `/health`
 * route. No call to Zenoti unless `probe: true`; no secret, token or principal in the result.
 *
 * @throws ZenotiAuthError `INVALID_OPTIONS` when `engine` is no `ZenotiAuth` of this version of
 * `@zenoti-auth/core`, or an option is wrong.
 *
 * @example
 * import { healthOf } from '@zenoti-auth/core/health';
 *
 * const health = await healthOf(zenoti); // or healthOf(zenoti, { probe: true }): one call to Zenoti
 * if (!health.ok) console.warn(health.checks);
 */
export async function healthOf(engine: ZenotiAuth, options?: ZenotiHealthOptions): Promise<ZenotiHealth> {
  const src = healthSourcesOf(engine);
  if (src === undefined)
    throw invalidOption(
      'core',
      'health.engine',
      'must be a ZenotiAuth engine of this version of @zenoti-auth/core',
    );
  const { probe, principal } = checkOptions(options);
  const probed = probe ? await probeZenoti(src, engine, principal) : undefined;
  const apiKey = src.apiKey;
  const checks: ZenotiHealthChecks = {
    ...(apiKey
      ? {
          credential: credentialCheck(
            'apiKey',
            apiKey.ready !== undefined,
            apiKey.acceptedAt,
            apiKey.lastFailure,
            undefined,
          ),
        }
      : await tokenChecks(src, principal)),
    budget: budgetCheck(src),
    probe: probed,
  };
  let status: ZenotiHealthStatus = 'ok';
  for (const check of Object.values(checks) as Array<Check | undefined>)
    if (check && RANK[check.status] > RANK[status]) status = check.status;
  return { ok: status !== 'down', status, checks };
}
