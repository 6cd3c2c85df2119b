import { type Context, createContextKey } from '@opentelemetry/api';

/**
 * The context key of `suppressTracing()` from `@opentelemetry/core`: instrumentations of HTTP clients
 * (`@opentelemetry/instrumentation-undici`, `-http`) start no span in a context that holds it, so
 * that a request sent inside a call we already trace as its client span is not traced twice.
 * `createContextKey` makes `Symbol.for(description)`: the key is the same for every copy of the API
 * and of `@opentelemetry/core`, which this package then need not depend on (test/undici.test.ts
 * checks it against the real instrumentation).
 */
const SUPPRESS_TRACING = createContextKey('OpenTelemetry SDK Context Key SUPPRESS_TRACING');

export const suppressTracing = (context: Context): Context => context.setValue(SUPPRESS_TRACING, true);
