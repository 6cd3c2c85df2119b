import { invalidOption, isZenotiAuthError, type ZenotiAuthErrorCode } from '../errors.ts';
import type { HealthSources } from '../health-sources.ts';
import { isFresh } from '../refresh-policy.ts';
import type { ZenotiRequestInit } from '../zenoti-fetch.ts';
import type { ZenotiHealthStatus, ZenotiProbeCheck } from './health-of.ts';

/** The probe's read: one centre, a call every credential may make (guest tokens too). */
export const PROBE_PATH = '/v1/centers?size=1';

/** What a probe calls: the engine's own public methods, so it takes the normal path. */
export interface ZenotiProbeTarget {
  authorization(options: { principal?: string | undefined }): Promise<string>;
  fetch(input: string, init?: ZenotiRequestInit): Promise<Response>;
}

/**
 * `health({ probe: true })`: one call to Zenoti through the engine's normal path, and its outcome.
 * In token mode, when the token is due (none, in its refresh window, expired, or proved dead by a
 * 401) its grant is the call (the service user's password or a refresh token, never a revoke);
 * otherwise, and with an API key, a small read with the credential in hand. A read is bounded by
 * `timeoutMs`; a grant by the engine's own deadline.
 */
export async function probeZenoti(
  src: HealthSources,
  engine: ZenotiProbeTarget,
  principal: string | undefined,
): Promise<ZenotiProbeCheck> {
  const { o, keys, state, store } = src;
  if (src.apiKey === undefined && principal === undefined && o.user === undefined)
    throw invalidOption('core', 'health.probe', 'needs a service "user" or a "principal" in token mode');
  const started = Date.now();
  let call: ZenotiProbeCheck['call'] = 'read';
  const outcome = (status: ZenotiHealthStatus, more: Partial<ZenotiProbeCheck> = {}): ZenotiProbeCheck => ({
    status,
    call,
    ms: Date.now() - started,
    ...more,
  });
  const failed = (code: ZenotiAuthErrorCode, transient: boolean): ZenotiProbeCheck =>
    outcome(transient ? 'degraded' : 'down', { code, reason: `${call} failed (${code})` });
  try {
    if (src.apiKey === undefined) {
      const key = await keys.of(principal);
      const before = await store.read(key);
      const failedBefore = state.peek(key)?.failure;
      if (!before || !isFresh(before, o.now(), o.refreshWindowMs, state.peek(key)?.rejectedToken)) {
        call = 'token';
        await engine.authorization({ principal });
        // A ride-out serves the token in hand and renews it behind: that renewal is the call. (Not
        // on Workers, `shareInFlight: false`: there a flight may be another request's, which dies with it.)
        if (o.shareInFlight) await state.peek(key)?.flight?.promise;
        // A renewal that failed may still serve the token in hand: its failure is what counts.
        const failure = state.peek(key)?.failure;
        if (failure && failure !== failedBefore) return failed(failure.code, failure.transient);
        if ((await store.read(key))?.accessToken !== before?.accessToken) return outcome('ok');
        // Served without a call (a ride-out before its next try): the read is the call.
        call = 'read';
      }
    }
    const response = await engine.fetch(PROBE_PATH, {
      zenoti: { principal },
      signal: AbortSignal.timeout(o.timeoutMs),
    });
    await response.body?.cancel().catch(() => undefined);
    const httpStatus = response.status;
    return response.ok
      ? outcome('ok', { httpStatus })
      : outcome('degraded', { httpStatus, reason: `read answered ${httpStatus}` });
  } catch (error) {
    if (!isZenotiAuthError(error)) throw error;
    return failed(error.code, error.transient);
  }
}
