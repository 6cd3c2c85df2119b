import { SpanKind } from '@opentelemetry/api';
import { serviceUserEnv } from '@zenoti-auth/test-support';
import { describe, expect, it } from 'vitest';
import { closeAfterTest, D, DEMO_ORG_SECRETS, zenoti } from './support.ts';
import { startWorkerd } from './workerd.ts';

interface Exported {
  spans: Array<{
    name: string;
    kind: number;
    attributes: Record<string, unknown>;
    events: Array<{ name: string }>;
  }>;
  metrics: Array<{ name: string; points: Array<{ attributes: Record<string, unknown>; value: unknown }> }>;
}

// The real Workers runtime (workerd from npm) with the SDK a Worker can run (no context manager).
describe('on Cloudflare Workers (workerd)', () => {
  it('traces and measures each call, the grants, the 401 and its retry', async () => {
    const z = await zenoti();
    const worker = closeAfterTest(await startWorkerd(serviceUserEnv(z.url)));
    const health = (await (await fetch(`${worker.url}/health`)).json()) as { userAgent: string };
    expect(health.userAgent).toBe('Cloudflare-Workers');
    expect(await (await fetch(`${worker.url}/call`)).text(), worker.output()).toBe('200');
    z.control.expireAccessTokens();
    expect(await (await fetch(`${worker.url}/call`)).text(), worker.output()).toBe('200');
    const text = await (await fetch(`${worker.url}/exported`)).text();
    const { spans, metrics } = JSON.parse(text) as Exported;

    const calls = spans.filter((s) => s.kind === SpanKind.CLIENT);
    expect(calls.map((s) => s.attributes)).toEqual([
      {
        'http.request.method': 'GET',
        'server.address': '127.0.0.1',
        'server.port': Number(new URL(z.url).port),
        'url.full': `${z.url}/v1/centers`,
        'http.response.status_code': 200,
      },
      {
        'http.request.method': 'GET',
        'server.address': '127.0.0.1',
        'server.port': Number(new URL(z.url).port),
        'url.full': `${z.url}/v1/centers`,
        'http.request.resend_count': 1,
        'http.response.status_code': 200,
      },
    ]);
    expect(spans.filter((s) => s.name === 'zenoti.token').map((s) => s.attributes)).toEqual([
      { 'zenoti.grant': 'password', 'zenoti.outcome': 'success' },
      { 'zenoti.grant': 'refresh', 'zenoti.outcome': 'success' },
    ]);
    const grants = metrics.find((m) => m.name === 'zenoti.token.grants');
    expect(grants?.points.map((p) => [p.attributes['zenoti.grant'], p.value])).toEqual([
      ['password', 1],
      ['refresh', 1],
    ]);
    const durations = metrics.find((m) => m.name === 'http.client.request.duration');
    expect(durations?.points.map((p) => (p.value as { count: number }).count)).toEqual([2]);
    for (const secret of DEMO_ORG_SECRETS) expect(text).not.toContain(secret);
    expect(text).not.toContain(D.employee.password);
  });
});
