import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { createZenotiAxios } from '@zenoti-auth/axios';
import { ZenotiAuth } from '@zenoti-auth/core';
import { describe, expect, it } from 'vitest';
import { zenotiTelemetry } from '../src/index.ts';
import {
  D,
  DEMO_GUEST_PASSWORDS,
  DEMO_ORG_SECRETS,
  onCleanup,
  otel,
  serviceUser,
  WatchedStore,
  withAsyncContext,
  zenoti,
} from './support.ts';

withAsyncContext();

/** A session id of an end user's (a principal): as secret as the token it stands for. */
const PRINCIPAL = 'session-4f1c2a9e-principal-never-shown';
const QUERY_SECRET = 'query-secret-5b7d';

describe('no secret in any span, event or metric', () => {
  it('keys, app secrets, passwords, tokens, principals and query strings stay out of spans, metrics and the scrape', async () => {
    const z = await zenoti();
    const o = otel();
    // The same metrics scraped by Prometheus, besides the in-memory export.
    const exporter = await new Promise<PrometheusExporter>((resolve) => {
      const started: PrometheusExporter = new PrometheusExporter({ host: '127.0.0.1', port: 0 }, () =>
        resolve(started),
      );
    });
    const scraped = new MeterProvider({ readers: [exporter] });
    onCleanup(() => scraped.shutdown());
    // A second zenotiTelemetry() replaces the first: install the scrape's after the in-memory one ran.
    const store = new WatchedStore();
    const service = new ZenotiAuth(serviceUser(z.url, { store }));
    const guests = new ZenotiAuth({
      baseUrl: z.url,
      app: { accountName: D.accountName, ...D.guestApp },
      store,
    });
    const keyed = createZenotiAxios({ apiKey: D.apiKey, baseUrl: z.url });
    const [alice] = D.guests;
    const run = async (): Promise<void> => {
      await service.fetch(`/v1/centers?api_key=${QUERY_SECRET}&access_token=${QUERY_SECRET}`);
      z.control.expireAccessTokens();
      await service.fetch('/v1/centers');
      const { principal } = await guests.login({
        username: alice?.username ?? '',
        password: alice?.password ?? '',
        principal: PRINCIPAL,
      });
      await guests.fetch(`/v1/guests/${alice?.guestId}`, { zenoti: { principal } });
      await keyed.get(`/v1/centers?key=${QUERY_SECRET}`);
      await expect(
        service.fetch(`http://user:${QUERY_SECRET}@127.0.0.1:${new URL(z.url).port}/v1/centers`),
      ).rejects.toBeDefined();
      const wrong = new ZenotiAuth(
        serviceUser(z.url, { user: { username: D.employee.username, password: QUERY_SECRET } }),
      );
      await expect(wrong.authorization()).rejects.toMatchObject({ code: 'CREDENTIALS_REJECTED' });
    };
    await run();
    const exported = await o.exported();
    o.telemetry.disable();
    const telemetry = zenotiTelemetry({ meterProvider: scraped });
    onCleanup(async () => telemetry.disable());
    await run();
    const port = (exporter as unknown as { _server: { address(): { port: number } } })._server.address().port;
    const scrape = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();

    const secrets = [
      ...DEMO_ORG_SECRETS,
      ...DEMO_GUEST_PASSWORDS,
      ...store.tokens(),
      PRINCIPAL,
      QUERY_SECRET,
      // What the engine sends as Authorization, in any case.
      'apikey',
      'bearer',
    ];
    expect(store.tokens().length).toBeGreaterThan(2);
    for (const secret of secrets) {
      expect(exported.toLowerCase(), secret).not.toContain(secret.toLowerCase());
      expect(scrape.toLowerCase(), secret).not.toContain(secret.toLowerCase());
    }
    // It did see all of it: spans of every call and grant, metrics of each kind.
    expect(exported).toContain('zenoti.token');
    expect(exported).toContain('/v1/guests/');
    expect(scrape).toContain('zenoti_token_grants_total');
  });
});
