import { ZenotiAuthError, type ZenotiAuthOptions } from '@zenoti-auth/core';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { type ZenotiAuthEnv, zenotiAuth } from '../src/index.ts';
import { zenotiProxy } from '../src/proxy.ts';
import { apiKeyOptions, D, serviceUser, upstreamCalls, type Zenoti, zenoti } from './support.ts';

const ALLOW = ['GET /v1/centers', 'GET /v1/centers/:id', 'GET /v1/centers/:id/services', 'POST /v1/echo'];
const CENTER = 'a1b2c3d4-0000-4000-8000-000000000001';

function proxyApp(options: ZenotiAuthOptions): Hono<ZenotiAuthEnv> {
  const app = new Hono<ZenotiAuthEnv>();
  app.use('/api/zenoti/*', zenotiAuth(options));
  app.all('/api/zenoti/*', zenotiProxy({ prefix: '/api/zenoti', allow: ALLOW }));
  return app;
}

async function firstCenterId(z: Zenoti): Promise<string> {
  const res = await fetch(`${z.url}/v1/centers`, { headers: { authorization: `apikey ${D.apiKey}` } });
  const { centers } = (await res.json()) as { centers: Array<{ id: string }> };
  z.control.resetCounters();
  return centers[0]?.id as string;
}

describe('zenotiProxy(): allowed paths', () => {
  it('forwards allowed paths with the server credential, query string included', async () => {
    const z = await zenoti();
    const id = await firstCenterId(z);
    const before = z.control.requests().length;
    const app = proxyApp(apiKeyOptions(z.url));
    const list = await app.request('/api/zenoti/v1/centers');
    expect(list.status).toBe(200);
    expect(((await list.json()) as { centers: unknown[] }).centers).toHaveLength(3);
    const services = await app.request(`/api/zenoti/v1/centers/${id}/services?page=2&size=5`);
    expect(services.status).toBe(200);
    expect(((await services.json()) as { page_info: unknown }).page_info).toMatchObject({ page: 2, size: 5 });
    // Zenoti matches paths case-insensitively, and so does the allow-list.
    expect((await app.request(`/api/zenoti/v1/Centers/${id}`)).status).toBe(200);
    const head = await app.request('/api/zenoti/v1/centers', { method: 'HEAD' });
    expect(head.status).toBe(200);
    const seen = z.control.requests().slice(before);
    expect(seen.map((r) => [r.method, r.path, r.authorization])).toEqual([
      ['GET', '/v1/centers', `apikey …${D.apiKey.slice(-4)}`],
      ['GET', `/v1/centers/${id}/services`, `apikey …${D.apiKey.slice(-4)}`],
      ['GET', `/v1/Centers/${id}`, `apikey …${D.apiKey.slice(-4)}`],
      ['HEAD', '/v1/centers', `apikey …${D.apiKey.slice(-4)}`],
    ]);
  });

  it('passes Zenoti status, content type and rate-limit headers back', async () => {
    const z = await zenoti({ rateLimit: { limit: 60, windowSeconds: 60 } });
    const app = proxyApp(apiKeyOptions(z.url));
    const res = await app.request(`/api/zenoti/v1/centers/${CENTER}`);
    expect(res.status).toBe(404); // Zenoti's own answer for an unknown centre
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('organization-ratelimit-limit')).toBe('60;w=60;b=60');
    expect(res.headers.get('ratelimit-remaining')).toBe('59');
    expect(res.headers.get('ratelimit-reset')).not.toBeNull();
  });

  it('answers 429 with Retry-After when Zenoti asks for a wait past the budget', async () => {
    const z = await zenoti({ rateLimit: { limit: 1, windowSeconds: 120 } });
    const app = proxyApp(apiKeyOptions(z.url));
    expect((await app.request('/api/zenoti/v1/centers')).status).toBe(200);
    const limited = await app.request('/api/zenoti/v1/centers');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(10);
    expect(await limited.json()).toMatchObject({ error: { code: 'RATE_LIMITED' } });
  });

  it("drops Zenoti's Set-Cookie and other headers not on the response list", async () => {
    const z = await zenoti();
    const withCookie: typeof fetch = async (input, init) => {
      const res = await fetch(input, init);
      const headers = new Headers(res.headers);
      headers.append('set-cookie', 'ARRAffinity=upstream-session; Path=/; HttpOnly');
      headers.set('x-aspnet-version', '4.0.30319');
      return new Response(res.body, { status: res.status, headers });
    };
    const res = await proxyApp({ ...apiKeyOptions(z.url), fetch: withCookie }).request(
      '/api/zenoti/v1/centers',
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('set-cookie')).toBeNull();
    expect(res.headers.get('x-aspnet-version')).toBeNull();
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  });

  it("never forwards the browser's Authorization, Cookie, Proxy-*, hop-by-hop or forwarding headers", async () => {
    const z = await zenoti();
    const res = await proxyApp(apiKeyOptions(z.url)).request('/api/zenoti/v1/centers', {
      headers: {
        authorization: 'bearer browser-token',
        cookie: 'a=b; session=browser',
        'proxy-authorization': 'Basic YnJvd3Nlcjpwdw==',
        connection: 'x-hop-secret',
        'x-hop-secret': 'listed in Connection',
        'keep-alive': 'timeout=5',
        te: 'trailers',
        'x-forwarded-for': '203.0.113.9',
        forwarded: 'for=203.0.113.9',
        accept: 'application/json',
        'accept-language': 'en-GB',
      },
    });
    expect(res.status).toBe(200);
    const [seen] = z.control.requests();
    expect(seen?.authorization).toBe(`apikey …${D.apiKey.slice(-4)}`);
    for (const name of [
      'cookie',
      'proxy-authorization',
      'x-hop-secret',
      'keep-alive',
      'te',
      'x-forwarded-for',
    ]) {
      expect(seen?.headerNames).not.toContain(name);
    }
    expect(seen?.headerNames).not.toContain('forwarded');
    expect(seen?.headerNames).toEqual(expect.arrayContaining(['accept', 'accept-language', 'authorization']));
  });

  it('sends to the configured Zenoti whatever the Host header or the request URL host says', async () => {
    const z = await zenoti();
    const app = proxyApp(apiKeyOptions(z.url));
    const res = await app.request('http://evil.example/api/zenoti/v1/centers', {
      headers: { host: 'evil.example' },
    });
    expect(res.status).toBe(200);
    expect(z.control.requests()).toHaveLength(1);
  });

  it('streams request and response bodies without buffering them', async () => {
    const z = await zenoti();
    let sawFirstChunk: () => void = () => undefined;
    const firstChunkUpstream = new Promise<void>((resolve) => {
      sawFirstChunk = resolve;
    });
    let releaseSecond: () => void = () => undefined;
    const secondMayGo = new Promise<void>((resolve) => {
      releaseSecond = resolve;
    });
    const encoder = new TextEncoder();
    // Zenoti stand-in for POST /v1/echo: reads the request as it arrives, answers in two chunks.
    const echo: typeof fetch = async (input) => {
      const request = input as Request;
      const reader = (request.body as ReadableStream<Uint8Array>).getReader();
      const chunks: string[] = [];
      const decoder = new TextDecoder();
      const first = await reader.read();
      chunks.push(decoder.decode(first.value));
      sawFirstChunk();
      for (let r = await reader.read(); !r.done; r = await reader.read())
        chunks.push(decoder.decode(r.value));
      const body = new ReadableStream<Uint8Array>({
        async start(controller) {
          controller.enqueue(encoder.encode(`got:${chunks.join('')};`));
          await secondMayGo;
          controller.enqueue(encoder.encode('done'));
          controller.close();
        },
      });
      return new Response(body, { status: 201, headers: { 'content-type': 'text/plain' } });
    };
    const app = proxyApp({ ...apiKeyOptions(z.url), fetch: echo });
    const upload = new ReadableStream<Uint8Array>({
      async start(controller) {
        controller.enqueue(encoder.encode('part-1,'));
        await firstChunkUpstream; // only sent once Zenoti has read part 1: no buffering on the way up
        controller.enqueue(encoder.encode('part-2'));
        controller.close();
      },
    });
    const request = new Request('http://localhost/api/zenoti/v1/echo', {
      method: 'POST',
      body: upload,
      headers: { 'content-type': 'text/plain' },
      duplex: 'half',
    } as RequestInit);
    const res = await app.request(request);
    expect(res.status).toBe(201);
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    // The first chunk arrives while Zenoti still holds back the second: no buffering on the way down.
    expect(decoder.decode((await reader.read()).value)).toBe('got:part-1,part-2;');
    releaseSecond();
    expect(decoder.decode((await reader.read()).value)).toBe('done');
  });
});

describe('zenotiProxy(): refused before anything is sent upstream', () => {
  const attacks: Array<[string, string, number]> = [
    ['absolute URL in the path', '/api/zenoti/https://evil.example/v1/centers', 400],
    ['protocol-relative //host', '/api/zenoti//evil.example/v1/centers', 400],
    ['backslash (becomes //host)', '/api/zenoti/\\evil.example/v1/centers', 400],
    ['%2f', '/api/zenoti/v1/centers%2f..%2fguests', 400],
    ['%2F', '/api/zenoti/v1%2Fguests/search', 400],
    ['double-encoded %252f', '/api/zenoti/v1/centers%252f..%252fguests', 400],
    ['%5c', '/api/zenoti/v1/centers%5c..%5cguests', 400],
    ['%5C', '/api/zenoti/v1/centers%5C..', 400],
    ['%00', '/api/zenoti/v1/centers%00', 400],
    [
      '/../ (normalised by URL parsing to a path off the list)',
      '/api/zenoti/v1/centers/../guests/search',
      404,
    ],
    ['/%2e%2e/ (normalised the same way)', '/api/zenoti/v1/centers/%2e%2e/guests/search', 404],
    ['/./', '/api/zenoti/v1/./guests/search', 404],
    ['a path off the allow-list', '/api/zenoti/v1/guests/search?user_name=alice', 404],
    ['the token endpoint', '/api/zenoti/v1/tokens', 404],
    ['a trailing slash (empty segment)', '/api/zenoti/v1/centers/', 400],
    ['one segment too many', `/api/zenoti/v1/centers/${CENTER}/services/x`, 404],
  ];
  for (const [name, path, status] of attacks) {
    it(`answers ${status} for ${name}`, async () => {
      const z = await zenoti();
      const res = await proxyApp(apiKeyOptions(z.url)).request(path);
      expect(res.status).toBe(status);
      expect(upstreamCalls(z.control)).toBe(0);
      expect(z.control.requests()).toEqual([]);
    });
  }

  it('checks the raw request target the runtime kept (Node: c.env.incoming.url) before URL normalisation', async () => {
    const z = await zenoti();
    const app = proxyApp(apiKeyOptions(z.url));
    const env = { incoming: { url: '/api/zenoti/v1/guests/../centers' } };
    // The URL Hono sees is already normalised to /api/zenoti/v1/centers, an allowed path.
    const res = await app.request('/api/zenoti/v1/centers', {}, env);
    expect(res.status).toBe(400);
    const absolute = await app.request(
      '/api/zenoti/v1/centers',
      {},
      { incoming: { url: 'http://evil/api/zenoti/v1/centers' } },
    );
    expect(absolute.status).toBe(400);
    expect(z.control.requests()).toEqual([]);
  });

  it('answers 405 with Allow for a listed path with another method', async () => {
    const z = await zenoti();
    const res = await proxyApp(apiKeyOptions(z.url)).request('/api/zenoti/v1/centers', { method: 'DELETE' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET');
    expect(upstreamCalls(z.control)).toBe(0);
  });
});

describe('zenotiProxy(): failures', () => {
  it('answers 503 NETWORK when Zenoti cannot be reached (as in token mode), 502 TOKEN_ENDPOINT when its token endpoint is down', async () => {
    const unreachable = proxyApp({ baseUrl: 'http://127.0.0.1:9', apiKey: D.apiKey });
    const res = await unreachable.request('/api/zenoti/v1/centers');
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({
      error: { code: 'NETWORK', message: 'Zenoti could not be reached.' },
    });

    const z = await zenoti();
    z.control.injectFault('token', { kind: 'status', status: 503 }, Number.POSITIVE_INFINITY);
    const tokenDown = proxyApp(serviceUser(z.url, { retry: { retries: 1, minDelayMs: 1, maxDelayMs: 5 } }));
    const down = await tokenDown.request('/api/zenoti/v1/centers');
    expect(down.status).toBe(502);
    expect(await down.json()).toEqual({
      error: { code: 'TOKEN_ENDPOINT', message: 'Zenoti could not issue an access token.' },
    });
  });

  it('is a programming error (500) without zenotiAuth() before it', async () => {
    const app = new Hono();
    app.all('/*', zenotiProxy({ allow: ALLOW }));
    app.onError((error, c) => c.text(error.message, 500));
    const res = await app.request('/v1/centers');
    expect(res.status).toBe(500);
    expect(await res.text()).toBe(
      '[@zenoti-auth/hono] zenotiProxy() needs zenotiAuth() before it on its route.',
    );
  });

  it('rejects a bad allow-list or prefix at start-up', () => {
    const bad: Array<[unknown, string]> = [
      [{ allow: [] }, 'allow'],
      [{ allow: ['get /v1/centers'] }, 'allow[0]'],
      [{ allow: ['GET /v1/centers', 'GET v1/centers'] }, 'allow[1]'],
      [{ allow: ['GET /v1/*/services'] }, 'allow[0]'],
      [{ allow: ['GET /v1/../tokens'] }, 'allow[0]'],
      [{ allow: ['GET /v1/centers/'] }, 'allow[0]'],
      [{ allow: ['GET /v1/centers'], prefix: 'api/' }, 'prefix'],
      [{ allow: ['GET /v1/centers'], prefix: '/api/../x' }, 'prefix'],
      [{ allow: ['GET /v1/centers'], prefix: 'api/zenoti' }, 'prefix'],
      [{ allow: ['GET /v1/centers'], prefix: '/' }, 'prefix'],
      [{ allow: ['GET /v1/centers'], prefix: '/api//x' }, 'prefix'],
      [{ allow: ['GET /v1/centers'], prefix: '/./x' }, 'prefix'],
      [{ allow: ['GET /v1/centers'], prefix: '/api/%2e%2e' }, 'prefix'],
      [{ allow: ['GET /v1/centers'], prefix: 42 }, 'prefix'],
    ];
    for (const [options, field] of bad) {
      let error: unknown;
      try {
        zenotiProxy(options as never);
      } catch (e) {
        error = e;
      }
      expect(error, JSON.stringify(options)).toBeInstanceOf(ZenotiAuthError);
      expect(error).toMatchObject({ code: 'INVALID_OPTIONS', field });
    }
  });
});
