import {
  type Attributes,
  type Context,
  context,
  INVALID_SPANID,
  type Span,
  SpanKind,
  type SpanOptions,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import type { ZenotiCallInfo, ZenotiCallScope, ZenotiScope } from '@zenoti-auth/core';
import { callAttributes, errorType, spanName, statusOf } from './attributes.ts';
import type { Instruments, Meters } from './instruments.ts';
import { suppressTracing } from './suppress.ts';

/** Where the scopes report: the tracer, and the meters. */
export interface Sinks {
  readonly tracer: Tracer;
  readonly meters: Meters;
}

const seconds = (since: number): number => (performance.now() - since) / 1_000;

/**
 * Times a wait for a permit of the rate budget: `zenoti.rate_limit.queued` counts it while it lasts,
 * `zenoti.rate_limit.wait` records it, and an event on `span` says how long it took. Settles as
 * `permit` does. A fault of the SDK never reaches the caller.
 */
function timedWait(instruments: Instruments, span: Span, permit: Promise<void>): Promise<void> {
  const since = performance.now();
  try {
    instruments.queued.add(1);
  } catch {
    return permit;
  }
  const done = (error?: unknown): void => {
    try {
      const took = seconds(since);
      const type = errorType(error, undefined);
      const attributes: Attributes = type
        ? { 'zenoti.outcome': 'failure', 'error.type': type }
        : { 'zenoti.outcome': 'success' };
      instruments.queued.add(-1);
      instruments.wait.record(took, attributes);
      span.addEvent('zenoti.rate_limit.wait', { 'zenoti.rate_limit.wait.duration': took, ...attributes });
    } catch {}
  };
  return permit.then(done, (error: unknown) => {
    done(error);
    throw error;
  });
}

/** Sets `error.type` and the error status on `span`, returns the attributes a metric adds. */
function outcome(span: Span, type: string | undefined): Attributes {
  if (type === undefined) return {};
  span.setAttribute('error.type', type);
  span.setStatus({ code: SpanStatusCode.ERROR, message: type });
  return { 'error.type': type };
}

/**
 * What a call and a grant share: a span started in the context active now (its parent), the
 * context in which the operation's own work runs, its waits for a permit, and one end.
 */
abstract class OperationSpan implements ZenotiScope {
  protected readonly span: Span;
  /** The context the operation's work runs in: with its span active, when the tracer made its own. */
  protected readonly context: Context;
  /** The meter's instruments when the operation started: it ends on them. */
  protected readonly instruments: Instruments;
  /**
   * Whether anything records the operation: a span of the tracer's own, or a meter that keeps
   * values. Not (no SDK at all): the listener answers `undefined`, and the engine goes its usual way.
   */
  readonly records: boolean;
  #ended = false;

  constructor(sinks: Sinks, name: string, options: SpanOptions) {
    const parent = context.active();
    this.span = sinks.tracer.startSpan(name, options, parent);
    this.instruments = sinks.meters.current;
    // Whether the tracer started a span of its own. Without an SDK (the API's no-op tracer) it hands
    // back a stand-in that carries its parent's span context, or an invalid one: there is then no
    // span to make active, and no trace of ours that an HTTP instrumentation could duplicate. (A
    // span that an SDK's sampler leaves out is still the call's own: its children follow it.)
    const own = this.span.spanContext().spanId !== (trace.getSpanContext(parent)?.spanId ?? INVALID_SPANID);
    this.context = own ? trace.setSpan(parent, this.span) : parent;
    this.records = own || this.instruments.live;
  }

  run<T>(work: () => T): T {
    return context.with(this.context, work);
  }

  wait(permit: Promise<void>): Promise<void> {
    return timedWait(this.instruments, this.span, permit);
  }

  end(error?: unknown, status?: number): void {
    if (this.#ended) return;
    this.#ended = true;
    try {
      this.finish(error, status);
    } catch {}
  }

  /** Sets the outcome on the span, ends it, and records the metric. */
  protected abstract finish(error: unknown, status: number | undefined): void;
}

/**
 * One call through an engine: a CLIENT span (a child of the context active when it starts) from the
 * call's start to its end, permit waits, token and a retry included, and its duration in
 * `http.client.request.duration`. Its attempts are sent with tracing suppressed: an HTTP client
 * instrumentation (undici, http) adds no second client span for them.
 */
export class CallSpan extends OperationSpan implements ZenotiCallScope {
  readonly #metric: Attributes;
  readonly #since = performance.now();
  #resends = 0;
  /** The status of the last answer an attempt got. */
  #status: number | undefined;
  /** The call's context with tracing suppressed, for its sends. */
  #quiet: Context | undefined;

  constructor(sinks: Sinks, info: ZenotiCallInfo) {
    const { span, metric } = callAttributes(info.method, info.url);
    super(sinks, spanName(info.method), { kind: SpanKind.CLIENT, attributes: span });
    this.#metric = metric;
  }

  send<A extends unknown[], T>(attempt: (...args: A) => T, ...args: A): T {
    this.#quiet ??= suppressTracing(this.context);
    const sent = context.with(this.#quiet, attempt, undefined, ...args);
    // The status of each answer (a fetch Response, an axios response or error), for the end.
    const note = (answer: unknown): void => {
      this.#status = statusOf(answer) ?? this.#status;
    };
    if (typeof (sent as { then?: unknown } | undefined)?.then === 'function')
      (sent as Promise<unknown>).then(note, note);
    return sent;
  }

  resend(): void {
    this.#resends++;
    try {
      this.span.setAttribute('http.request.resend_count', this.#resends);
      this.span.addEvent('zenoti.resend', {
        'http.request.resend_count': this.#resends,
        ...(this.#status === undefined ? {} : { 'http.response.status_code': this.#status }),
      });
    } catch {}
  }

  protected finish(error: unknown, status: number | undefined): void {
    const took = seconds(this.#since);
    const answered = status ?? this.#status;
    // The metric's attributes are the call's own (made for it): completed here, not copied.
    const attributes = this.#metric;
    if (answered !== undefined) {
      attributes['http.response.status_code'] = answered;
      this.span.setAttribute('http.response.status_code', answered);
    }
    if (error !== undefined || (answered ?? 0) >= 400)
      Object.assign(attributes, outcome(this.span, errorType(error, answered)));
    this.span.end();
    this.instruments.duration.record(took, attributes);
  }
}

/**
 * One token grant: an INTERNAL span `zenoti.token` (a child of the active context: the call that
 * needed the token, where a context manager carries it) with `zenoti.grant` and `zenoti.outcome`,
 * and one count in `zenoti.token.grants`.
 */
export class GrantSpan extends OperationSpan {
  readonly #grant: 'password' | 'refresh';

  constructor(sinks: Sinks, grant: 'password' | 'refresh') {
    super(sinks, 'zenoti.token', { kind: SpanKind.INTERNAL, attributes: { 'zenoti.grant': grant } });
    this.#grant = grant;
  }

  protected finish(error: unknown): void {
    const result = error === undefined ? 'success' : 'failure';
    this.span.setAttribute('zenoti.outcome', result);
    const attributes: Attributes = {
      'zenoti.grant': this.#grant,
      'zenoti.outcome': result,
      ...outcome(this.span, error === undefined ? undefined : (errorType(error, undefined) ?? '_OTHER')),
    };
    this.span.end();
    this.instruments.grants.add(1, attributes);
  }
}
