import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { ZenotiAuth } from '@zenoti-auth/core';
import { MemoryRateBudget } from '@zenoti-auth/core/rate-budget';
import { describe, expect, it } from 'vitest';
import { zenotiTelemetry } from '../src/index.ts';
import { D, DEMO_ORG_SECRETS, onCleanup, serviceUser, WatchedStore, zenoti } from './support.ts';

/** The exporter's own server on a free loopback port, as an app would run it; its URL. */
async function prometheus(): Promise<[MeterProvider, string]> {
  const exporter = await new Promise<PrometheusExporter>((resolve) => {
    const started: PrometheusExporter = new PrometheusExporter({ host: '127.0.0.1', port: 0 }, () =>
      resolve(started),
    );
  });
  const meterProvider = new MeterProvider({ readers: [exporter] });
  onCleanup(() => meterProvider.shutdown());
  const address = (exporter as unknown as { _server: { address(): { port: number } } })._server.address();
  return [meterProvider, `http://127.0.0.1:${address.port}/metrics`];
}

describe('a real Prometheus scrape', () => {
  it('serves every metric of a run on /metrics, with its labels, and no secret', async () => {
    const z = await zenoti({ rateLimit: { limit: 4, windowSeconds: 0.5 } });
    const [meterProvider, url] = await prometheus();
    const telemetry = zenotiTelemetry({ meterProvider });
    onCleanup(async () => telemetry.disable());
    const store = new WatchedStore();
    const budget = new MemoryRateBudget({ limit: 1, intervalMs: 200 });
    const auth = new ZenotiAuth({
      ...serviceUser(z.url, { store }),
      rateLimit: { budget, maxWaitMs: 5_000 },
    });
    await Promise.all([auth.fetch('/v1/centers'), auth.fetch('/v1/centers')]);
    z.control.expireAccessTokens();
    await auth.fetch('/v1/centers');

    const response = await fetch(url);
    expect(response.status).toBe(200);
    const text = await response.text();
    const port = new URL(z.url).port;
    expect(text).toMatch(
      new RegExp(
        `^http_client_request_duration_count\\{http_request_method="GET",server_address="127.0.0.1",server_port="${port}",http_response_status_code="200"[^}]*\\} 3$`,
        'm',
      ),
    );
    expect(text).toMatch(
      /^zenoti_token_grants_total\{zenoti_grant="password",zenoti_outcome="success"[^}]*\} 1$/m,
    );
    expect(text).toMatch(
      /^zenoti_token_grants_total\{zenoti_grant="refresh",zenoti_outcome="success"[^}]*\} 1$/m,
    );
    expect(text).toMatch(/^zenoti_rate_limit_wait_count\{zenoti_outcome="success"[^}]*\} [1-9]\d*$/m);
    expect(text).toMatch(/^zenoti_rate_limit_queued\{[^}]*\} 0$/m);
    expect(text).toMatch(
      new RegExp(`^zenoti_rate_limit_remaining\\{zenoti_account="${D.accountName}"[^}]*\\} \\d+$`, 'm'),
    );
    for (const secret of [...DEMO_ORG_SECRETS, ...store.tokens()]) expect(text).not.toContain(secret);
  });
});
