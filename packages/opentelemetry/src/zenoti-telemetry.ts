import { type MeterProvider, type TracerProvider, trace } from '@opentelemetry/api';
import { instrument, invalidOption, type ZenotiInstrumentation } from '@zenoti-auth/core';
import { Meters, SCOPE_NAME } from './instruments.ts';
import { CallSpan, GrantSpan, type Sinks } from './scopes.ts';

export interface ZenotiTelemetryOptions {
  /** Where the spans go. @default the global tracer provider (`trace.getTracerProvider()`) */
  tracerProvider?: TracerProvider | undefined;
  /**
   * Where the metrics go. @default the global meter provider (`metrics.getMeterProvider()`), read
   * again as each call starts: one registered later (an SDK started afterwards) is used from then on.
   */
  meterProvider?: MeterProvider | undefined;
}

export interface ZenotiTelemetry {
  /** Stops instrumenting: new calls are no longer traced or measured (calls under way finish as they began). */
  disable(): void;
}

const OPTIONS = ['tracerProvider', 'meterProvider'];

function checkOptions(options: unknown): ZenotiTelemetryOptions {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null)
    throw invalidOption('opentelemetry', 'options', 'must be an object');
  for (const name of Object.keys(options))
    if (!OPTIONS.includes(name))
      throw invalidOption('opentelemetry', name, 'is not an option (tracerProvider, meterProvider)');
  const { tracerProvider, meterProvider } = options as ZenotiTelemetryOptions;
  if (tracerProvider !== undefined && typeof tracerProvider?.getTracer !== 'function')
    throw invalidOption('opentelemetry', 'tracerProvider', 'must have getTracer()');
  if (meterProvider !== undefined && typeof meterProvider?.getMeter !== 'function')
    throw invalidOption('opentelemetry', 'meterProvider', 'must have getMeter()');
  return { tracerProvider, meterProvider };
}

/**
 * Traces and measures every zenoti-auth engine of the process, present and future, whichever copy of
 * `@zenoti-auth/core` made it: a CLIENT span per call through an engine (`fetch()`, the axios
 * interceptor, Nest's `ZenotiHttpService`, Hono's middleware and proxy) with the HTTP semantic
 * conventions' attributes, a `zenoti.token` span per token grant, and the metrics
 * `http.client.request.duration`, `zenoti.token.grants`, `zenoti.rate_limit.wait`,
 * `zenoti.rate_limit.queued`, `zenoti.rate_limit.remaining`, `zenoti.rate_limit.rejections` and
 * `zenoti.store.errors`. No attribute, event or metric carries a key, token, password, secret or
 * principal. Calling it again replaces the earlier one.
 *
 * @throws ZenotiAuthError `INVALID_OPTIONS` naming the option that is wrong.
 *
 * @example
 * const telemetry = zenotiTelemetry(); // the global providers, e.g. NodeSDK's
 * // …
 * telemetry.disable();
 */
export function zenotiTelemetry(options?: ZenotiTelemetryOptions): ZenotiTelemetry {
  const { tracerProvider, meterProvider } = checkOptions(options);
  const sinks: Sinks = {
    tracer: (tracerProvider ?? trace.getTracerProvider()).getTracer(SCOPE_NAME),
    meters: new Meters(meterProvider),
  };
  // A call or a grant that nothing records (see `OperationSpan.records`), or that the SDK fails to
  // start, is answered `undefined`: the engine goes its usual way (a fault of the SDK never reaches it).
  const listener: ZenotiInstrumentation = {
    call(info) {
      try {
        const call = new CallSpan(sinks, info);
        return call.records ? call : undefined;
      } catch {
        return undefined;
      }
    },
    grant(grant) {
      try {
        const scope = new GrantSpan(sinks, grant);
        return scope.records ? scope : undefined;
      } catch {
        return undefined;
      }
    },
    rateLimit(remaining, rejected, account) {
      try {
        if (remaining !== undefined) sinks.meters.remaining.set(account, remaining);
        if (rejected)
          sinks.meters.current.rejections.add(1, account === undefined ? {} : { 'zenoti.account': account });
      } catch {}
    },
    storeError(operation) {
      try {
        sinks.meters.current.storeErrors.add(1, { 'zenoti.store.operation': operation });
      } catch {}
    },
  };
  const remove = instrument(listener);
  return {
    disable() {
      remove();
      sinks.meters.close();
    },
  };
}
