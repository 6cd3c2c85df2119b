// A Cloudflare Worker whose engine is traced and measured by @zenoti-auth/opentelemetry, with the
// SDK a Worker can run: a BasicTracerProvider and a MeterProvider, both exporting in memory. GET /call
// makes one call to the mock Zenoti through a core engine; GET /exported answers the spans and metrics.
// Bundled by test/workerd.ts with esbuild (the SDK, @zenoti-auth/core and this package's dist).
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { ZenotiAuth } from '@zenoti-auth/core';
import { zenotiTelemetry } from '@zenoti-auth/opentelemetry';

type Bindings = Record<string, string>;

/**
 * The SDK and zenotiTelemetry(), made at the first request: a Worker may not start a timer (the
 * metric reader's) in its global scope.
 */
function telemetry() {
  const spans = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
  const metrics = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({ exporter: metrics, exportIntervalMillis: 3_600_000 });
  const meterProvider = new MeterProvider({ readers: [reader] });
  zenotiTelemetry({ tracerProvider, meterProvider });
  return { spans, metrics, reader };
}
let sdk: ReturnType<typeof telemetry> | undefined;

let engine: ZenotiAuth | undefined;

/** One call through the engine (built on the first, from the bindings); its status. */
async function call(env: Bindings): Promise<number> {
  engine ??= new ZenotiAuth({
    baseUrl: env.ZENOTI_BASE_URL ?? '',
    app: {
      accountName: env.ZENOTI_ACCOUNT_NAME ?? '',
      appId: env.ZENOTI_APP_ID ?? '',
      appSecret: env.ZENOTI_APP_SECRET ?? '',
    },
    user: { username: env.ZENOTI_USERNAME ?? '', password: env.ZENOTI_PASSWORD ?? '' },
  });
  const response = await engine.fetch('/v1/centers?size=1');
  await response.arrayBuffer();
  return response.status;
}

/** What was exported so far. */
async function exported(): Promise<Response> {
  sdk ??= telemetry();
  const { spans, metrics, reader } = sdk;
  await reader.forceFlush();
  return Response.json({
    spans: spans.getFinishedSpans().map((s) => ({
      name: s.name,
      kind: s.kind,
      attributes: s.attributes,
      events: s.events.map((e) => ({ name: e.name, attributes: e.attributes })),
    })),
    metrics: metrics
      .getMetrics()
      .at(-1)
      ?.scopeMetrics.flatMap((scope) =>
        scope.metrics.map((m) => ({
          name: m.descriptor.name,
          points: m.dataPoints.map((p) => ({ attributes: p.attributes, value: p.value })),
        })),
      ),
  });
}

export default {
  async fetch(request: Request, env: Bindings): Promise<Response> {
    sdk ??= telemetry();
    const { pathname } = new URL(request.url);
    if (pathname === '/health') return Response.json({ ok: true, userAgent: navigator.userAgent });
    if (pathname === '/call') return new Response(String(await call(env)));
    if (pathname === '/exported') return exported();
    return new Response('not found', { status: 404 });
  },
};
