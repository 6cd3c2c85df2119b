import type { ZenotiAuthErrorCode } from '../errors.ts';
import type { HealthSources } from '../health-sources.ts';
import type { LastFailure } from '../key-state.ts';
import { isAlive } from '../refresh-policy.ts';
import type { StoreRead } from '../store-answers.ts';
import type { ZenotiHealthChecks, ZenotiHealthStatus } from './health-of.ts';

/* The checks of `health()`, each from what the engine recorded; the rules are in `health-of.ts`. */

/** Resolves `promise`, or `undefined` when it takes longer than `ms`. */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** A check's verdict: `ok`, or `status` with its `reason` when there is one. */
function judged(reason: string | false | undefined, status: ZenotiHealthStatus) {
  return reason ? { status, reason } : { status: 'ok' as const };
}

/** The credential's check from its last success and failure (rules 1, 2 and 5). */
export function credentialCheck(
  mode: 'apiKey' | 'token',
  usable: boolean,
  successAt: number | undefined,
  failure: LastFailure | undefined,
  pausedBy: ZenotiAuthErrorCode | undefined,
): ZenotiHealthChecks['credential'] {
  const failing = failure !== undefined && (successAt === undefined || failure.at >= successAt);
  return {
    ...(pausedBy
      ? judged(`token calls paused (${pausedBy})`, 'down')
      : judged(
          failing && `last call failed (${failure.code})${usable ? '' : ', no usable credential'}`,
          failing && failure.transient && usable ? 'degraded' : 'down',
        )),
    mode,
    lastSuccess: successAt,
    lastError: failure && { code: failure.code, transient: failure.transient, at: failure.at },
  };
}

/** Rule 7. Real time: budgets wait in real time. */
export function budgetCheck({ o, limits }: HealthSources): ZenotiHealthChecks['budget'] {
  const window = limits.window;
  const live = window !== undefined && window.end > Date.now();
  const queued = limits.queued;
  const long = o.rateLimit !== false && queued > 0 && queued >= o.rateLimit.maxQueued / 2;
  return {
    ...judged(
      live && window.remaining === 0 ? 'rate window spent' : long && `${queued} calls queued`,
      'degraded',
    ),
    remaining: live ? window.remaining : undefined,
    windowEnd: live ? window.end : undefined,
    queued,
  };
}

/** Token mode: the credential, token and store checks, from one read of the token's key. */
export async function tokenChecks(
  src: HealthSources,
  principal: string | undefined,
): Promise<Pick<ZenotiHealthChecks, 'credential' | 'token' | 'store'>> {
  const { o, keys, state, store } = src;
  // Without a service user there is no token of the app's own: end users sign in.
  const key = principal === undefined && o.user === undefined ? undefined : await keys.of(principal);
  const answer: StoreRead | undefined =
    key === undefined ? { set: undefined, fromStore: true } : await within(store.inspect(key), o.timeoutMs);
  const known = key === undefined ? undefined : state.peek(key);
  const set = answer ? answer.set : known?.lastSeen;
  const now = o.now();
  const pause = known?.pause;
  const pausedBy =
    pause && pause.until > now && (pause.reason === 'credentials' || pause.reason === 'locked')
      ? pause.error.code
      : undefined;
  const usable = set !== undefined && isAlive(set, now, known?.rejectedToken);
  const lastError = answer
    ? store.lastError
    : { message: `no answer within ${o.timeoutMs} ms`, at: Date.now() };
  const reachable = answer !== undefined && store.reachable;
  return {
    credential: credentialCheck('token', usable, set?.obtainedAt, known?.failure, pausedBy),
    token: {
      ...judged(principal !== undefined && set === undefined && 'no session', 'down'),
      present: set !== undefined,
      expiresAt: set?.accessTokenExpiresAt,
      ageMs: set && Math.max(0, now - set.obtainedAt),
    },
    store: {
      ...judged(!reachable && 'store not answering', 'degraded'),
      reachable,
      shared: !store.local,
      lastError: lastError && { message: lastError.message, at: lastError.at },
    },
  };
}
