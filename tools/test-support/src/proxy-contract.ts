import { MemoryTokenStore, type ZenotiAuthOptions } from '@zenoti-auth/core';
import type { ZenotiProxyOptions } from '@zenoti-auth/core/proxy';
import type { StartMockZenotiOptions } from '@zenoti-auth/mock-server';
import { describe, expect, it } from 'vitest';
import { type ContractServer, heldFetch, rawRequest, until, watchedZenoti } from './contract-http.ts';
import { D, DEMO_GUEST_PASSWORDS, DEMO_ORG_SECRETS, testResources } from './index.ts';

export type { ContractServer } from './contract-http.ts';

/** The proxy's options without the hook that takes the framework's request. */
export type ContractProxyOptions = Omit<ZenotiProxyOptions, 'clientAddress'>;

/** What a framework's server under the proxy contract serves. */
export interface ProxyContractApp {
  /** Options of the framework's `zenotiAuth()`: an engine on the mock Zenoti (API key, a private store). */
  auth: ZenotiAuthOptions;
  /**
   * Options of its `zenotiProxy()`, with `prefix: '/api/zenoti'`: mount it there, behind
   * `zenotiAuth(auth)`, on a server of 127.0.0.1 (the socket's address is the client's). No hook:
   * the default client address is the framework's to give.
   */
  proxy: ContractProxyOptions;
}

/** Starts the framework's server for `app` on 127.0.0.1 and a free port (closed by the contract). */
export type StartProxyServer = (app: ProxyContractApp) => Promise<ContractServer>;

const PREFIX = '/api/zenoti';
const ALLOW = ['GET /v1/centers', 'GET /v1/centers/:id', 'POST /v1/echo'];
const KEY = `apikey …${D.apiKey.slice(-4)}`;

/**
 * The behaviour every framework's `zenotiProxy()` must have, over real HTTP against the mock
 * Zenoti: the rules of `@zenoti-auth/core/proxy` reached through the framework's own request,
 * socket, body and abort. `start` serves the framework's app for each case.
 */
export function proxyContract(framework: string, start: StartProxyServer): void {
  const opened = testResources();

  async function served(
    proxy: Partial<ContractProxyOptions> = {},
    auth: Partial<ZenotiAuthOptions> = {},
    mock: StartMockZenotiOptions = {},
  ) {
    const z = await opened.zenoti(mock);
    const options = { baseUrl: z.url, apiKey: D.apiKey, store: new MemoryTokenStore(), ...auth };
    const server = await start({
      auth: options as ZenotiAuthOptions,
      proxy: { prefix: PREFIX, allow: ALLOW, ...proxy },
    });
    opened.closeAfterTest(server);
    const upstream = () => z.control.counters().resources.total + z.control.counters().resources.faulted;
    return { z, url: server.url, upstream };
  }

  describe(`zenotiProxy() contract: ${framework}`, () => {
    it("forwards an allowed path with the server's credential and the query, never the browser's", async () => {
      const { z, url } = await served();
      const res = await fetch(`${url}${PREFIX}/v1/centers?size=2`, {
        headers: {
          authorization: 'bearer browser-token',
          cookie: 'a=b',
          'proxy-authorization': 'Basic eDp5',
        },
      });
      expect(res.status).toBe(200);
      const body = await res.text();
      expect((JSON.parse(body) as { centers: unknown[] }).centers).toHaveLength(2);
      const [seen] = z.control.requests();
      expect([seen?.method, seen?.path, seen?.authorization]).toEqual(['GET', '/v1/centers', KEY]);
      expect(seen?.headerNames).not.toContain('cookie');
      expect(seen?.headerNames).not.toContain('proxy-authorization');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
      for (const secret of [...DEMO_ORG_SECRETS, ...DEMO_GUEST_PASSWORDS]) expect(body).not.toContain(secret);
    });

    it('answers 404 off the list and 405 with Allow for another method, sending nothing', async () => {
      const { url, upstream } = await served();
      const off = await fetch(`${url}${PREFIX}/v1/guests/search?user_name=alice`);
      expect(off.status).toBe(404);
      expect(await off.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'Not found.' } });
      const token = await fetch(`${url}${PREFIX}/v1/tokens`, { method: 'POST' });
      expect(token.status).toBe(404);
      const other = await fetch(`${url}${PREFIX}/v1/centers`, { method: 'DELETE' });
      expect(other.status).toBe(405);
      expect(other.headers.get('allow')).toBe('GET');
      expect(upstream()).toBe(0);
    });

    it('answers 400 to path attacks as they were received, before any URL normalisation', async () => {
      const { z, url, upstream } = await served();
      const attacks = [
        `${PREFIX}/v1/guests/../centers`,
        `${PREFIX}/v1/guests/%2e%2e/centers`,
        `${PREFIX}/v1/./centers`,
        `${PREFIX}/v1%2fcenters`,
        `${PREFIX}/v1%5ccenters`,
        `${PREFIX}/v1%252fcenters`,
        `${PREFIX}/v1\\centers`,
        `${PREFIX}//evil.example/v1/centers`,
        `${PREFIX}/http://evil.example/v1/centers`,
      ];
      for (const target of attacks) expect((await rawRequest(url, target)).status, target).toBe(400);
      expect(upstream()).toBe(0);
      expect(z.control.requests()).toEqual([]);
    });

    it('forwards only the allow-listed request headers and those named in forwardHeaders', async () => {
      const { z, url } = await served({ forwardHeaders: ['x-request-id'] });
      const res = await fetch(`${url}${PREFIX}/v1/centers`, {
        headers: {
          accept: 'application/json',
          'accept-language': 'en-GB',
          'x-request-id': 'r-1',
          'x-correlation-id': 'not listed',
          'x-forwarded-for': '203.0.113.9',
          'x-forwarded-host': 'evil.example',
          'x-http-method-override': 'DELETE',
          'x-original-url': '/v1/tokens',
          origin: 'https://evil.example',
        },
      });
      expect(res.status).toBe(200);
      const names = z.control.requests()[0]?.headerNames ?? [];
      expect(names).toEqual(
        expect.arrayContaining(['accept', 'accept-language', 'x-request-id', 'authorization']),
      );
      for (const name of [
        'x-correlation-id',
        'x-forwarded-for',
        'x-forwarded-host',
        'x-http-method-override',
      ])
        expect(names).not.toContain(name);
      expect(names).not.toContain('x-original-url');
      expect(names).not.toContain('origin');
    });

    it("relays Zenoti's status and rate-limit headers, never its Set-Cookie; a page becomes a download", async () => {
      const withCookie: typeof fetch = async (input, init) => {
        const answer = await fetch(input, init);
        const headers = new Headers(answer.headers);
        headers.append('set-cookie', 'ARRAffinity=upstream-session; Path=/; HttpOnly');
        return new Response(answer.body, { status: answer.status, headers });
      };
      const { z, url } = await served(
        {},
        { fetch: withCookie },
        { rateLimit: { limit: 60, windowSeconds: 60 } },
      );
      const json = await fetch(`${url}${PREFIX}/v1/centers`);
      expect(json.status).toBe(200);
      expect(json.headers.get('content-type')).toMatch(/^application\/json/);
      expect(json.headers.get('organization-ratelimit-limit')).toBe('60;w=60;b=60');
      expect(json.headers.get('ratelimit-remaining')).toBe('59');
      expect(json.headers.get('set-cookie')).toBeNull();
      expect(json.headers.get('content-disposition')).toBeNull();
      const page = '<html><script>alert(document.cookie)</script></html>';
      z.control.injectFault('resource', { kind: 'raw', status: 500, body: page, contentType: 'text/html' });
      const html = await fetch(`${url}${PREFIX}/v1/centers`);
      expect(html.status).toBe(500);
      expect(html.headers.get('set-cookie')).toBeNull();
      expect(html.headers.get('content-disposition')).toBe('attachment');
      expect(html.headers.get('x-content-type-options')).toBe('nosniff');
      expect(await html.text()).toBe(page);
    });

    it('answers a redirect from Zenoti with 502 UPSTREAM_REDIRECT and never follows it', async () => {
      const elsewhere = await opened.zenoti();
      const { z, url } = await served();
      z.control.injectFault('resource', {
        kind: 'status',
        status: 302,
        headers: { location: `${elsewhere.url}/v1/centers` },
      });
      const res = await fetch(`${url}${PREFIX}/v1/centers`, { redirect: 'manual' });
      expect(res.status).toBe(502);
      expect(res.headers.get('location')).toBeNull();
      expect(await res.json()).toMatchObject({ error: { code: 'UPSTREAM_REDIRECT' } });
      expect(elsewhere.control.requests()).toEqual([]);
    });

    it('streams a POST body to Zenoti and its answer back', async () => {
      const echo: typeof fetch = async (input, init) => {
        const request = new Request(input, init);
        if (!request.url.endsWith('/v1/echo')) return fetch(request);
        const text = await request.text();
        return new Response(`got:${text}`, { status: 201, headers: { 'content-type': 'text/plain' } });
      };
      const { url } = await served({}, { fetch: echo });
      const res = await fetch(`${url}${PREFIX}/v1/echo`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ note: 'hello' }),
      });
      expect(res.status).toBe(201);
      expect(await res.text()).toBe('got:{"note":"hello"}');
    });

    it("ends the client's call at Zenoti when the client leaves", async () => {
      const z = await opened.zenoti();
      const watched = opened.closeAfterTest(await watchedZenoti(z.url));
      const server = opened.closeAfterTest(
        await start({
          auth: { baseUrl: watched.url, apiKey: D.apiKey, store: new MemoryTokenStore() },
          proxy: { prefix: PREFIX, allow: ALLOW },
        }),
      );
      z.control.setLatency(5_000, 'resource');
      const leaving = new AbortController();
      const gone = fetch(`${server.url}${PREFIX}/v1/centers`, { signal: leaving.signal }).catch(
        (e: unknown) => e,
      );
      expect(await until(() => z.control.counters().resources.total === 1)).toBe(true);
      leaving.abort();
      expect(await gone).toMatchObject({ name: 'AbortError' });
      // Zenoti's side: the call was abandoned long before its 5 s latency ran out.
      expect(await until(() => watched.abandoned.length === 1)).toBe(true);
      expect(watched.abandoned).toEqual(['/v1/centers']);
    });

    it("keeps each client to its fair share, keyed by the socket's address", async () => {
      const held = heldFetch('/v1/centers');
      const { url } = await served({ fairShare: { perClient: 1 } }, { fetch: held.fetch });
      const get = (localAddress: string) => rawRequest(url, `${PREFIX}/v1/centers`, { localAddress });
      const first = get('127.0.0.1');
      expect(await until(() => held.held() === 1)).toBe(true);
      const again = await get('127.0.0.1');
      expect(again.status).toBe(429);
      expect(again.headers['retry-after']).toBe('1');
      expect(JSON.parse(again.body)).toMatchObject({ error: { code: 'TOO_MANY_REQUESTS' } });
      // Another address is another client, with a share of its own.
      const other = get('127.0.0.2');
      expect(await until(() => held.held() === 2)).toBe(true);
      held.open();
      expect((await first).status).toBe(200);
      expect((await other).status).toBe(200);
    });

    it("answers Zenoti's failures in core's words: 503 NETWORK when it cannot be reached", async () => {
      const { url } = await served({}, { baseUrl: 'http://127.0.0.1:9' });
      const res = await fetch(`${url}${PREFIX}/v1/centers`);
      expect(res.status).toBe(503);
      const body = await res.text();
      expect(JSON.parse(body)).toEqual({
        error: { code: 'NETWORK', message: 'Zenoti could not be reached.' },
      });
      expect(body).not.toContain(D.apiKey);
    });
  });
}
