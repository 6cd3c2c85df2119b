import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { ZenotiAuth } from '@zenoti-auth/core';
import { MemoryRateBudget } from '@zenoti-auth/core/rate-budget';
import { describe, expect, it } from 'vitest';
import {
  closedPort,
  D,
  inParent,
  named,
  otel,
  parentOf,
  serviceUser,
  withAsyncContext,
  zenoti,
} from './support.ts';

withAsyncContext();

describe('a span per call through core fetch()', () => {
  it('is a CLIENT span, child of the active context, with the HTTP client attributes and no query', async () => {
    const z = await zenoti();
    const o = otel();
    const auth = new ZenotiAuth({ apiKey: D.apiKey, baseUrl: z.url });
    const [response, parent] = await inParent(o, () =>
      auth.fetch('/v1/centers?size=1&phone=5550100#top', { method: 'get' }),
    );
    expect(response.status).toBe(200);
    const [span, ...others] = o.spans().filter((s) => s.kind === SpanKind.CLIENT);
    expect(others).toEqual([]);
    const { port } = new URL(z.url);
    expect(span?.name).toBe('GET');
    expect(parentOf(span as never)).toBe(parent);
    expect(span?.attributes).toEqual({
      'http.request.method': 'GET',
      'server.address': '127.0.0.1',
      'server.port': Number(port),
      'url.full': `${z.url}/v1/centers`,
      'http.response.status_code': 200,
    });
    expect(span?.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('covers the password grant (a child zenoti.token span), a 401 and the retry (resend_count 1)', async () => {
    const z = await zenoti();
    const o = otel();
    const auth = new ZenotiAuth(serviceUser(z.url));
    await (await auth.fetch('/v1/centers')).arrayBuffer();
    z.control.expireAccessTokens();
    const retried = await auth.fetch('/v1/centers');
    expect(retried.status).toBe(200);

    const [first, second] = named(o.spans(), 'GET');
    const grants = named(o.spans(), 'zenoti.token');
    expect(grants.map((g) => [g.attributes['zenoti.grant'], g.attributes['zenoti.outcome']])).toEqual([
      ['password', 'success'],
      ['refresh', 'success'],
    ]);
    // Each grant happened inside the call that needed it, and within its time.
    expect(parentOf(grants[0] as never)).toBe(first?.spanContext().spanId);
    expect(parentOf(grants[1] as never)).toBe(second?.spanContext().spanId);
    expect(grants[0]?.kind).toBe(SpanKind.INTERNAL);
    expect(first?.attributes['http.request.resend_count']).toBeUndefined();
    expect(second?.attributes['http.request.resend_count']).toBe(1);
    expect(second?.attributes['http.response.status_code']).toBe(200);
    expect(second?.events.map((e) => [e.name, e.attributes])).toEqual([
      ['zenoti.resend', { 'http.request.resend_count': 1, 'http.response.status_code': 401 }],
    ]);
    // The span starts before the 401 and ends after the retry's answer.
    const [refresh] = grants.slice(1);
    const ms = (t: [number, number]): number => t[0] * 1e3 + t[1] / 1e6;
    expect(ms(second?.startTime as never)).toBeLessThanOrEqual(ms(refresh?.startTime as never));
    expect(ms(second?.endTime as never)).toBeGreaterThanOrEqual(ms(refresh?.endTime as never));
  });

  it('records a permit wait on the call span', async () => {
    const z = await zenoti();
    const o = otel();
    const budget = new MemoryRateBudget({ limit: 1, intervalMs: 300 });
    const auth = new ZenotiAuth({ apiKey: D.apiKey, baseUrl: z.url, rateLimit: { budget } });
    const answers = await Promise.all([auth.fetch('/v1/centers'), auth.fetch('/v1/centers')]);
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    const waits = named(o.spans(), 'GET').flatMap((s) =>
      s.events.filter((e) => e.name === 'zenoti.rate_limit.wait').map((e) => e.attributes),
    );
    expect(waits).toHaveLength(1);
    expect(waits[0]?.['zenoti.outcome']).toBe('success');
    expect(waits[0]?.['zenoti.rate_limit.wait.duration']).toBeGreaterThan(0.1);
  });

  it('marks failures with error.type: a 404, an unreachable Zenoti, refused credentials', async () => {
    const z = await zenoti();
    const o = otel();
    const auth = new ZenotiAuth({ apiKey: D.apiKey, baseUrl: z.url });
    expect((await auth.fetch('/v1/nowhere')).status).toBe(404);
    const wrong = new ZenotiAuth(
      serviceUser(z.url, { user: { username: D.employee.username, password: 'not it' } }),
    );
    await expect(wrong.fetch('/v1/centers')).rejects.toMatchObject({ code: 'CREDENTIALS_REJECTED' });
    const dead = new ZenotiAuth({ apiKey: D.apiKey, baseUrl: `http://127.0.0.1:${await closedPort()}` });
    await expect(dead.fetch('/v1/centers')).rejects.toMatchObject({ code: 'NETWORK' });

    const calls = named(o.spans(), 'GET').map((s) => [
      s.attributes['http.response.status_code'],
      s.attributes['error.type'],
      s.status.code,
    ]);
    expect(calls).toEqual([
      [404, '404', SpanStatusCode.ERROR],
      [undefined, 'CREDENTIALS_REJECTED', SpanStatusCode.ERROR],
      [undefined, 'NETWORK', SpanStatusCode.ERROR],
    ]);
    const [grant] = named(o.spans(), 'zenoti.token');
    expect(grant?.attributes).toMatchObject({
      'zenoti.grant': 'password',
      'zenoti.outcome': 'failure',
      'error.type': 'CREDENTIALS_REJECTED',
    });
  });

  it('instruments engines made before it and stops at disable(), for every engine', async () => {
    const z = await zenoti();
    const before = new ZenotiAuth({ apiKey: D.apiKey, baseUrl: z.url });
    const o = otel();
    const after = new ZenotiAuth({ apiKey: D.apiKey, baseUrl: z.url });
    await before.fetch('/v1/centers');
    await after.fetch('/v1/centers');
    expect(named(o.spans(), 'GET')).toHaveLength(2);
    o.telemetry.disable();
    await before.fetch('/v1/centers');
    await after.fetch('/v1/centers');
    expect(named(o.spans(), 'GET')).toHaveLength(2);
  });
});
