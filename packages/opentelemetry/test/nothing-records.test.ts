import { trace } from '@opentelemetry/api';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import { AlwaysOffSampler, BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { callInfo, instrumentation, ZenotiAuth } from '@zenoti-auth/core';
import { describe, expect, it } from 'vitest';
import { zenotiTelemetry } from '../src/index.ts';
import { D, onCleanup, serviceUser, withAsyncContext, zenoti } from './support.ts';

withAsyncContext();

/** zenotiTelemetry() with these options, disabled after the test. */
function installed(options?: Parameters<typeof zenotiTelemetry>[0]): void {
  const telemetry = zenotiTelemetry(options);
  onCleanup(async () => telemetry.disable());
}

describe('what nothing records is not followed', () => {
  it('with no SDK registered (the API’s no-op providers), each call and grant goes as without telemetry', async () => {
    const z = await zenoti();
    installed();
    const listener = instrumentation();
    expect(listener).toBeDefined();
    // Nothing would keep a span or a metric: the engine is told to go its usual way.
    expect(listener?.call(callInfo('GET', `${z.url}/v1/centers`))).toBeUndefined();
    expect(listener?.grant('password')).toBeUndefined();
    const auth = new ZenotiAuth(serviceUser(z.url));
    expect((await auth.fetch('/v1/centers')).status).toBe(200);
  });

  it('a meter provider alone (no tracing SDK): each call is measured', async () => {
    const z = await zenoti();
    const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
    const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
    const meterProvider = new MeterProvider({ readers: [reader] });
    onCleanup(() => meterProvider.shutdown());
    installed({ meterProvider });
    expect(instrumentation()?.call(callInfo('GET', `${z.url}/v1/centers`))).toBeDefined();
    const auth = new ZenotiAuth({ apiKey: D.apiKey, baseUrl: z.url });
    await (await auth.fetch('/v1/centers')).arrayBuffer();
    await reader.forceFlush();
    const durations = exporter
      .getMetrics()
      .at(-1)
      ?.scopeMetrics.flatMap((s) => s.metrics)
      .find((m) => m.descriptor.name === 'http.client.request.duration');
    const points = (durations?.dataPoints ?? []) as Array<{ value: { count: number } }>;
    // The scope made above for the check never ended: only the engine's call is counted.
    expect(points.map((p) => p.value.count)).toEqual([1]);
  });

  it('a span the sampler leaves out is still the call’s own: its work runs under it', () => {
    const tracerProvider = new BasicTracerProvider({ sampler: new AlwaysOffSampler() });
    onCleanup(() => tracerProvider.shutdown());
    installed({ tracerProvider });
    const scope = instrumentation()?.call(callInfo('GET', 'https://api.zenoti.com/v1/centers'));
    expect(scope).toBeDefined();
    const active = scope?.run(() => trace.getActiveSpan());
    expect(active?.isRecording()).toBe(false);
    // A span context of its own (not the parent's, not an invalid one), so a grant inside it is its child.
    expect(active?.spanContext().spanId).toMatch(/^(?!0{16})[\da-f]{16}$/);
    scope?.end(undefined, 200);
  });
});
