import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { SpanKind } from '@opentelemetry/api';
import { createZenotiAxios } from '@zenoti-auth/axios';
import { ZenotiAuth } from '@zenoti-auth/core';
import { MemoryRateBudget } from '@zenoti-auth/core/rate-budget';
import { type ZenotiAuthEnv, zenotiAuth } from '@zenoti-auth/hono';
import { zenotiProxy } from '@zenoti-auth/hono/proxy';
import { ZenotiAuthModule } from '@zenoti-auth/nestjs';
import { ZenotiHttpModule, ZenotiHttpService } from '@zenoti-auth/nestjs/http';
import axios from 'axios';
import { Hono } from 'hono';
import { firstValueFrom } from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  D,
  inParent,
  named,
  onCleanup,
  otel,
  parentOf,
  serviceUser,
  withAsyncContext,
  zenoti,
} from './support.ts';

withAsyncContext();

const clientSpans = (o: ReturnType<typeof otel>) => o.spans().filter((s) => s.kind === SpanKind.CLIENT);

describe('the axios interceptor', () => {
  it('one span per request, child of the active context, covering the grant, the 401 and the retry', async () => {
    const z = await zenoti();
    const o = otel();
    const api = createZenotiAxios(serviceUser(z.url));
    const [first, parent] = await inParent(o, () => api.get('/v1/centers', { params: { size: 1 } }));
    expect(first.status).toBe(200);
    z.control.expireAccessTokens();
    const again = await api.get('/v1/centers');
    expect(again.status).toBe(200);

    const [one, two, ...more] = clientSpans(o);
    expect(more).toEqual([]);
    expect(parentOf(one as never)).toBe(parent);
    expect(one?.attributes).toEqual({
      'http.request.method': 'GET',
      'server.address': '127.0.0.1',
      'server.port': Number(new URL(z.url).port),
      'url.full': `${z.url}/v1/centers`,
      'http.response.status_code': 200,
    });
    expect(two?.attributes['http.request.resend_count']).toBe(1);
    expect(two?.attributes['http.response.status_code']).toBe(200);
    const grants = named(o.spans(), 'zenoti.token');
    expect(grants.map((g) => [g.attributes['zenoti.grant'], parentOf(g)])).toEqual([
      ['password', one?.spanContext().spanId],
      ['refresh', two?.spanContext().spanId],
    ]);
  });

  it('records the permit wait, and an error answer as error.type', async () => {
    const z = await zenoti();
    const o = otel();
    const budget = new MemoryRateBudget({ limit: 1, intervalMs: 300 });
    const api = createZenotiAxios({ apiKey: D.apiKey, baseUrl: z.url, rateLimit: { budget } });
    const settled = await Promise.allSettled([api.get('/v1/centers'), api.get('/v1/nowhere')]);
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected']);
    const spans = clientSpans(o);
    expect(spans.map((s) => [s.attributes['http.response.status_code'], s.attributes['error.type']])).toEqual(
      [
        [200, undefined],
        [404, '404'],
      ],
    );
    const waits = spans.flatMap((s) => s.events.filter((e) => e.name === 'zenoti.rate_limit.wait'));
    expect(waits).toHaveLength(1);
  });

  it('leaves requests to other origins alone: no span', async () => {
    const z = await zenoti();
    const other = await zenoti();
    const o = otel();
    const api = createZenotiAxios({ apiKey: D.apiKey, baseUrl: z.url });
    await api.get(`${other.url}/v1/centers`, { validateStatus: () => true });
    await axios.get(`${z.url}/v1/centers`, { validateStatus: () => true });
    expect(clientSpans(o)).toEqual([]);
  });
});

describe("Nest's ZenotiHttpService", () => {
  it('one span per call, the retry after a 401 included', async () => {
    const z = await zenoti();
    const o = otel();
    class AppModule {}
    Module({
      imports: [
        ZenotiAuthModule.forRoot({ ...serviceUser(z.url), isGlobal: true }),
        ZenotiHttpModule.register(),
      ],
    })(AppModule);
    const app = await NestFactory.createApplicationContext(AppModule, { logger: false });
    onCleanup(() => app.close());
    const http = app.get(ZenotiHttpService);
    expect((await firstValueFrom(http.get('/v1/centers'))).status).toBe(200);
    z.control.expireAccessTokens();
    const [again, parent] = await inParent(o, () => firstValueFrom(http.get('/v1/centers')));
    expect(again.status).toBe(200);
    const spans = clientSpans(o);
    expect(spans.map((s) => [s.name, s.attributes['http.request.resend_count']])).toEqual([
      ['GET', undefined],
      ['GET', 1],
    ]);
    expect(parentOf(spans[1] as never)).toBe(parent);
  });
});

describe('Hono', () => {
  it('the middleware’s c.var.zenoti.fetch and the proxy: a span per call, child of the request’s span', async () => {
    const z = await zenoti();
    const o = otel();
    const auth = new ZenotiAuth({ apiKey: D.apiKey, baseUrl: z.url });
    const app = new Hono<ZenotiAuthEnv>();
    app.use('/api/*', zenotiAuth({ auth }));
    app.get('/api/centers', async (c) => c.json(await (await c.var.zenoti.fetch('/v1/centers')).json()));
    app.all(
      '/api/zenoti/*',
      zenotiProxy({ prefix: '/api/zenoti', allow: ['GET /v1/centers'], clientAddress: () => '127.0.0.1' }),
    );

    const [route, routeParent] = await inParent(o, async () => app.request('/api/centers'));
    const [proxied, proxyParent] = await inParent(o, async () =>
      app.request('/api/zenoti/v1/centers?page=2'),
    );
    expect([route.status, proxied.status]).toEqual([200, 200]);
    const spans = clientSpans(o);
    expect(spans.map((s) => [s.attributes['url.full'], parentOf(s)])).toEqual([
      [`${z.url}/v1/centers`, routeParent],
      [`${z.url}/v1/centers`, proxyParent],
    ]);
  });
});
