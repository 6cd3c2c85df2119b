// What these tests share: a mock Zenoti per test, and the real OpenTelemetry SDK with in-memory
// exporters, installed as zenotiTelemetry()'s providers and removed after each test.
import { createServer } from 'node:net';
import { type Context, context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import type { ZenotiAuthOptions } from '@zenoti-auth/core';
import { serviceUser as baseServiceUser, testResources } from '@zenoti-auth/test-support';
import { afterAll, beforeAll } from 'vitest';
import { type ZenotiTelemetry, zenotiTelemetry } from '../src/index.ts';

export {
  D,
  DEMO_GUEST_PASSWORDS,
  DEMO_ORG_SECRETS,
  serviceUserLogin,
  WatchedStore,
} from '@zenoti-auth/test-support';

/**
 * The demo service user, its events heard (not printed): the tests expire Zenoti's tokens on
 * purpose, and a token that had worked rejected early makes a `warning`.
 */
export const serviceUser = (url: string, extra: Partial<ZenotiAuthOptions> = {}): ZenotiAuthOptions =>
  baseServiceUser(url, { onEvent: () => undefined, ...extra });

export const { zenoti, onCleanup, closeAfterTest } = testResources({ order: 'newest-first' });

/**
 * The context manager Node apps run with (NodeSDK registers it): spans started inside a call are its
 * children. Registered for the whole file.
 */
export function withAsyncContext(): void {
  const manager = new AsyncLocalStorageContextManager();
  beforeAll(() => {
    context.setGlobalContextManager(manager.enable());
  });
  afterAll(() => {
    manager.disable();
    context.disable();
  });
}

/** One point of a metric: its attributes and value (a count, a sum, a gauge's value). */
export interface Point {
  attributes: Record<string, unknown>;
  value: number;
  /** Histograms: how many values were recorded. */
  count?: number;
}

export interface Otel {
  readonly tracerProvider: BasicTracerProvider;
  readonly meterProvider: MeterProvider;
  readonly telemetry: ZenotiTelemetry;
  /** Every span ended so far. */
  spans(): ReadableSpan[];
  /** The points of every metric, by name (collected now); `scope`: only that instrumentation's. */
  metrics(scope?: string): Promise<Map<string, Point[]>>;
  /** Everything exported, as JSON (spans with attributes, events, status; metrics with attributes). */
  exported(): Promise<string>;
}

function pointsOf(resourceMetrics: ResourceMetrics[], only?: string): Map<string, Point[]> {
  const byName = new Map<string, Point[]>();
  const last = resourceMetrics.at(-1);
  for (const scope of last?.scopeMetrics ?? [])
    for (const metric of only === undefined || scope.scope.name === only ? scope.metrics : []) {
      const points = byName.get(metric.descriptor.name) ?? [];
      for (const point of metric.dataPoints as Array<{
        attributes: Record<string, unknown>;
        value: unknown;
      }>) {
        const value = point.value as number | { sum?: number; count?: number };
        points.push(
          typeof value === 'number'
            ? { attributes: point.attributes, value }
            : { attributes: point.attributes, value: value.sum ?? 0, count: value.count ?? 0 },
        );
      }
      byName.set(metric.descriptor.name, points);
    }
  return byName;
}

/**
 * The real SDK with in-memory exporters (spans as they end; metrics at each collection), with
 * zenotiTelemetry() installed on them; all shut down after the test.
 */
export function otel(): Otel {
  const spanExporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spanExporter)] });
  const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({
    exporter: metricExporter,
    exportIntervalMillis: 3_600_000,
  });
  const meterProvider = new MeterProvider({ readers: [reader] });
  const telemetry = zenotiTelemetry({ tracerProvider, meterProvider });
  onCleanup(async () => {
    telemetry.disable();
    await Promise.all([tracerProvider.shutdown(), meterProvider.shutdown()]);
  });
  const metrics = async (scope?: string): Promise<Map<string, Point[]>> => {
    await reader.forceFlush();
    return pointsOf(metricExporter.getMetrics(), scope);
  };
  return {
    tracerProvider,
    meterProvider,
    telemetry,
    spans: () => spanExporter.getFinishedSpans(),
    metrics,
    async exported() {
      await reader.forceFlush();
      const spans = spanExporter.getFinishedSpans().map((s) => ({
        name: s.name,
        attributes: s.attributes,
        events: s.events.map((e) => ({ name: e.name, attributes: e.attributes })),
        status: s.status,
        links: s.links,
      }));
      return JSON.stringify({ spans, metrics: metricExporter.getMetrics() });
    },
  };
}

/** The spans of `name`. */
export const named = (spans: ReadableSpan[], name: string): ReadableSpan[] =>
  spans.filter((s) => s.name === name);

/** The id of the parent of `span`, if it has one. */
export const parentOf = (span: ReadableSpan): string | undefined => span.parentSpanContext?.spanId;

/** Runs `work` inside a parent span of the app's (as a server framework's instrumentation would); returns its id too. */
export async function inParent<T>(otel: Otel, work: () => Promise<T>): Promise<[T, string]> {
  const parent = otel.tracerProvider.getTracer('app').startSpan('app request');
  const ctx: Context = trace.setSpan(context.active(), parent);
  try {
    return [await context.with(ctx, work), parent.spanContext().spanId];
  } finally {
    parent.end();
  }
}

/** The metric points of `name` whose attributes include `where`. */
export function pointsWhere(
  metrics: Map<string, Point[]>,
  name: string,
  where: Record<string, unknown> = {},
): Point[] {
  return (metrics.get(name) ?? []).filter((p) =>
    Object.entries(where).every(([key, value]) => p.attributes[key] === value),
  );
}

/** A loopback port nothing listens on (one the system gave and took back). */
export function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
