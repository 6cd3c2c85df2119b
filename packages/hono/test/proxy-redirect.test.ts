import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { type ZenotiAuthEnv, zenotiAuth } from '../src/index.ts';
import { zenotiProxy } from '../src/proxy.ts';
import { apiKeyOptions, serviceUser, upstreamCalls, zenoti } from './support.ts';

describe('zenotiProxy(): redirects from Zenoti', () => {
  for (const status of [301, 302, 303, 307, 308]) {
    it(`answers 502 for a ${status} and never fetches its Location (another server sees 0 requests)`, async () => {
      const z = await zenoti();
      const elsewhere = await zenoti(); // another loopback server that counts every request
      const app = new Hono<ZenotiAuthEnv>();
      app.use('/api/zenoti/*', zenotiAuth(serviceUser(z.url)));
      app.all('/api/zenoti/*', zenotiProxy({ prefix: '/api/zenoti', allow: ['GET /v1/centers'] }));
      z.control.injectFault('resource', {
        kind: 'status',
        status,
        headers: { location: `${elsewhere.url}/v1/centers` },
      });
      const res = await app.request('/api/zenoti/v1/centers');
      expect(res.status).toBe(502);
      expect(res.headers.get('location')).toBeNull();
      expect(await res.json()).toEqual({
        error: {
          code: 'UPSTREAM_REDIRECT',
          message: 'Zenoti answered with a redirect, which is not followed.',
        },
      });
      expect(z.control.counters().resources.faulted).toBe(1);
      expect(elsewhere.control.requests()).toEqual([]);
      expect(upstreamCalls(elsewhere.control)).toBe(0);
    });
  }

  it('passes 304 Not Modified back: the answer to a conditional request, not a redirect', async () => {
    const z = await zenoti();
    const app = new Hono<ZenotiAuthEnv>();
    app.use('/api/zenoti/*', zenotiAuth(apiKeyOptions(z.url)));
    app.all('/api/zenoti/*', zenotiProxy({ prefix: '/api/zenoti', allow: ['GET /v1/centers'] }));
    z.control.injectFault('resource', { kind: 'status', status: 304, headers: { etag: '"v1"' } });
    const res = await app.request('/api/zenoti/v1/centers', { headers: { 'if-none-match': '"v1"' } });
    expect(res.status).toBe(304);
    expect(res.headers.get('etag')).toBe('"v1"');
  });
});
