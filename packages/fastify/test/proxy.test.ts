import { request as httpRequest } from 'node:http';
import { isZenotiAuthError, type ZenotiAuthOptions } from '@zenoti-auth/core';
import type { FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import { zenotiAuth } from '../src/index.ts';
import { type ZenotiAnswerLog, type ZenotiProxyPluginOptions, zenotiProxy } from '../src/proxy.ts';
import { apiKeyOptions, D, fastify, listen, until, watchedMock, zenoti } from './support.ts';

// What the Fastify skin adds to core's neutral proxy (whose rules the shared contract suite checks):
// the mount path from Fastify's prefix, bodies left unparsed in its context only, answers streamed
// back through Fastify, the client's abort, 5xx told to the request's logger, and its load-time checks.

const ALLOW = ['GET /v1/centers', 'GET /v1/centers/:id', 'POST /v1/echo'];
const KEY = `apikey …${D.apiKey.slice(-4)}`;

/** zenotiAuth at the root; the proxy where `mount` puts it. */
async function proxyApp(
  options: ZenotiAuthOptions,
  mount: (app: FastifyInstance) => PromiseLike<unknown> = (app) =>
    app.register(zenotiProxy, { prefix: '/api/zenoti', allow: ALLOW }),
): Promise<{ app: FastifyInstance; url: string }> {
  const app = fastify();
  await app.register(zenotiAuth, options);
  await mount(app);
  return { app, url: await listen(app) };
}

/** A GET with the request target exactly as written (fetch() would resolve `..`). */
function rawGet(url: string, target: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${url}${target}`, { path: target }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.once('error', reject);
    req.end();
  });
}

describe('zenotiProxy plugin (real HTTP)', () => {
  it("forwards under Fastify's prefix, outer prefixes included, with the server credential and the query", async () => {
    const z = await zenoti();
    const { url } = await proxyApp(apiKeyOptions(z.url), (app) =>
      app.register(async (api) => api.register(zenotiProxy, { prefix: '/zenoti', allow: ALLOW }), {
        prefix: '/api',
      }),
    );
    const list = await fetch(`${url}/api/zenoti/v1/centers?size=2`);
    expect(list.status).toBe(200);
    expect(((await list.json()) as { centers: unknown[] }).centers).toHaveLength(2);
    expect((await fetch(`${url}/api/zenoti/v1/guests/search`)).status).toBe(404);
    expect(z.control.requests().map((r) => [r.method, r.path, r.authorization])).toEqual([
      ['GET', '/v1/centers', KEY],
    ]);
  });

  it('refuses path tricks in the request target as received, before Zenoti is called', async () => {
    const z = await zenoti();
    const { url } = await proxyApp(apiKeyOptions(z.url));
    for (const target of [
      '/api/zenoti/v1/centers/../guests/search',
      '/api/zenoti//evil.example/v1/centers',
      '/api/zenoti/v1/centers%2f..%2fguests',
      '/api/zenoti/v1/%2e%2e/v1/guests',
    ]) {
      expect(await rawGet(url, target), target).toBe(400);
    }
    expect(z.control.requests()).toEqual([]);
  });

  it("streams a request body to Zenoti unparsed, while the app's JSON parser still serves its own routes", async () => {
    const z = await zenoti();
    const seen: string[] = [];
    // Zenoti stand-in for POST /v1/echo: what arrived, and the type it arrived as.
    const echo: typeof fetch = async (input, init) => {
      const request = new Request(input, init);
      if (!request.url.endsWith('/v1/echo')) return fetch(input, init);
      seen.push(`${request.headers.get('content-type')} ${await request.text()}`);
      return new Response('echoed', { status: 201, headers: { 'content-type': 'text/plain' } });
    };
    const { app, url } = await proxyApp({ ...apiKeyOptions(z.url), fetch: echo }, async (app) => {
      app.post('/own', async (request) => ({ parsed: request.body }));
      await app.register(zenotiProxy, { prefix: '/api/zenoti', allow: ALLOW });
    });
    const bodies: Array<[string, string]> = [
      ['application/json', '{"a":1,"b":[2]}'],
      ['application/x-www-form-urlencoded', 'a=1&b=2'],
      ['text/plain', 'x'.repeat(200_000)],
    ];
    for (const [type, body] of bodies) {
      const res = await fetch(`${url}/api/zenoti/v1/echo`, {
        method: 'POST',
        headers: { 'content-type': type },
        body,
      });
      expect([res.status, await res.text()], type).toEqual([201, 'echoed']);
    }
    expect(seen).toEqual(bodies.map(([type, body]) => `${type} ${body}`));
    const own = await fetch(`${url}/own`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"a":1}',
    });
    expect(await own.json()).toEqual({ parsed: { a: 1 } });
    expect(app.hasContentTypeParser('application/json')).toBe(true);
  });

  it('streams the answer back as Zenoti sends it', async () => {
    const z = await zenoti();
    let release: () => void = () => undefined;
    const second = new Promise<void>((resolve) => {
      release = resolve;
    });
    const encoder = new TextEncoder();
    const slow: typeof fetch = async () =>
      new Response(
        new ReadableStream<Uint8Array>({
          async start(controller) {
            controller.enqueue(encoder.encode('first;'));
            await second;
            controller.enqueue(encoder.encode('second'));
            controller.close();
          },
        }),
        { status: 200, headers: { 'content-type': 'text/plain' } },
      );
    const { url } = await proxyApp({ ...apiKeyOptions(z.url), fetch: slow });
    const res = await fetch(`${url}/api/zenoti/v1/centers`);
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    // The first chunk arrives while Zenoti still holds back the second: no buffering on the way down.
    expect(decoder.decode((await reader.read()).value)).toBe('first;');
    release();
    expect(decoder.decode((await reader.read()).value)).toBe('second');
  });

  it('a client that leaves ends its call at Zenoti', async () => {
    const z = await watchedMock();
    const { url } = await proxyApp(apiKeyOptions(z.url));
    z.control.setLatency(5_000, 'resource');
    const leaving = new AbortController();
    const gone = fetch(`${url}/api/zenoti/v1/centers`, { signal: leaving.signal }).catch((e: unknown) => e);
    expect(await until(() => z.control.counters().resources.total === 1)).toBe(true);
    leaving.abort();
    expect(await gone).toMatchObject({ name: 'AbortError' });
    expect(await until(() => z.abandoned.length === 1)).toBe(true);
    expect(z.abandoned).toEqual(['/v1/centers']);
  });

  it('tells onError of a 5xx (Zenoti unreachable) with the cause, never a secret; the client gets a fixed message', async () => {
    const told: ZenotiAnswerLog[] = [];
    const { url } = await proxyApp({ ...apiKeyOptions('http://127.0.0.1:9'), retry: { retries: 0 } }, (app) =>
      app.register(zenotiProxy, {
        prefix: '/api/zenoti',
        allow: ALLOW,
        onError: (entry) => told.push(entry),
      }),
    );
    const res = await fetch(`${url}/api/zenoti/v1/centers`);
    const text = await res.text();
    expect(res.status).toBe(503);
    expect(JSON.parse(text)).toEqual({ error: { code: 'NETWORK', message: expect.any(String) } });
    expect(told).toEqual([expect.objectContaining({ status: 503, code: 'NETWORK' })]);
    expect(isZenotiAuthError(told[0]?.error)).toBe(true);
    expect(JSON.stringify(told) + text).not.toContain(D.apiKey);
  });

  it('fails app.ready() with INVALID_OPTIONS for a bad option or without zenotiAuth in its context', async () => {
    const cases: Array<[(app: FastifyInstance) => void, string]> = [
      [(app) => app.register(zenotiProxy, { prefix: '/z' } as unknown as ZenotiProxyPluginOptions), 'allow'],
      [(app) => app.register(zenotiProxy, { allow: ['GET v1/centers'] }), 'allow[0]'],
      [(app) => app.register(zenotiProxy, { allow: ALLOW, onError: 'log' as never }), 'onError'],
      [(app) => app.register(zenotiProxy, { prefix: '/:tenant', allow: ALLOW }), 'prefix'],
      [(app) => app.register(zenotiProxy, { allow: ALLOW }), 'zenotiAuth'],
    ];
    for (const [setUp, field] of cases) {
      const app = fastify();
      if (field !== 'zenotiAuth') await app.register(zenotiAuth, apiKeyOptions('http://127.0.0.1:9'));
      setUp(app);
      await expect(app.ready(), field).rejects.toMatchObject({ code: 'INVALID_OPTIONS', field });
    }
  });
});
