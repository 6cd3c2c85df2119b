import { SpanKind } from '@opentelemetry/api';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { createZenotiAxios } from '@zenoti-auth/axios';
import { ZenotiAuth } from '@zenoti-auth/core';
import { describe, expect, it } from 'vitest';
import {
  named,
  type Otel,
  onCleanup,
  otel,
  type Point,
  parentOf,
  serviceUser,
  withAsyncContext,
  zenoti,
} from './support.ts';

withAsyncContext();

/** The real undici instrumentation (Node's fetch), reporting to the same SDK as ours. */
function undici(o: Otel): void {
  const instrumentation = new UndiciInstrumentation();
  instrumentation.setTracerProvider(o.tracerProvider);
  instrumentation.setMeterProvider(o.meterProvider);
  instrumentation.enable();
  onCleanup(async () => instrumentation.disable());
}

const scopeOf = (span: ReadableSpan): string => span.instrumentationScope.name;

/** The client spans of requests to `path`, by instrumentation: ours, undici's. */
function clientSpansOf(o: Otel, path: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const span of o.spans())
    if (span.kind === SpanKind.CLIENT && String(span.attributes['url.full']).includes(path))
      counts[scopeOf(span)] = (counts[scopeOf(span)] ?? 0) + 1;
  return counts;
}

describe('beside @opentelemetry/instrumentation-undici', () => {
  it('one client span per call: ours; undici traces the token request inside zenoti.token, and other requests', async () => {
    const z = await zenoti();
    const o = otel();
    undici(o);
    const auth = new ZenotiAuth(serviceUser(z.url));
    await (await auth.fetch('/v1/centers')).arrayBuffer();
    z.control.expireAccessTokens();
    await (await auth.fetch('/v1/centers')).arrayBuffer(); // a 401, a refresh, the retry: two requests, one call
    await (await fetch(`${z.url}/v1/centers/other`)).arrayBuffer(); // not through an engine

    expect(clientSpansOf(o, '/v1/centers')).toEqual({
      '@zenoti-auth/opentelemetry': 2,
      '@opentelemetry/instrumentation-undici': 1,
    });
    // The token requests are undici's alone (no client span of ours), each inside its grant.
    const grants = named(o.spans(), 'zenoti.token');
    const tokenRequests = o.spans().filter((s) => String(s.attributes['url.full']).endsWith('/v1/tokens'));
    expect(tokenRequests.map(scopeOf)).toEqual([
      '@opentelemetry/instrumentation-undici',
      '@opentelemetry/instrumentation-undici',
    ]);
    expect(tokenRequests.map(parentOf)).toEqual(grants.map((g) => g.spanContext().spanId));
    // Metrics are not suppressed: undici counts each request (2 grants, 3 sent by the engine, 1 other),
    // ours each call.
    const count = (points: Point[] | undefined): number =>
      (points ?? []).reduce((n, p) => n + (p.count ?? 0), 0);
    const undiciDurations = (await o.metrics('@opentelemetry/instrumentation-undici')).get(
      'http.client.request.duration',
    );
    const ourDurations = (await o.metrics('@zenoti-auth/opentelemetry')).get('http.client.request.duration');
    expect([count(undiciDurations), count(ourDurations)]).toEqual([6, 2]);
  });

  it('axios on its fetch adapter (undici too): one client span per request, ours, the retry included', async () => {
    const z = await zenoti();
    const o = otel();
    undici(o);
    const api = createZenotiAxios(serviceUser(z.url), { adapter: 'fetch' });
    await api.get('/v1/centers');
    z.control.expireAccessTokens();
    await api.get('/v1/centers');
    expect(clientSpansOf(o, '/v1/centers')).toEqual({ '@zenoti-auth/opentelemetry': 2 });
  });

  it('without zenotiTelemetry(), undici traces every request of the engine (what the suppression removes)', async () => {
    const z = await zenoti();
    const o = otel();
    o.telemetry.disable();
    undici(o);
    const auth = new ZenotiAuth(serviceUser(z.url));
    await (await auth.fetch('/v1/centers')).arrayBuffer();
    expect(clientSpansOf(o, '/v1/centers')).toEqual({ '@opentelemetry/instrumentation-undici': 1 });
  });
});
