import { ZenotiAuthError } from '@zenoti-auth/core';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { type ZenotiAuthEnv, zenotiAuth } from '../src/index.ts';
import { type ZenotiProxyOptions, zenotiProxy } from '../src/proxy.ts';
import { apiKeyOptions, zenoti } from './support.ts';

function proxyApp(url: string, extra: Partial<ZenotiProxyOptions> = {}): Hono<ZenotiAuthEnv> {
  const app = new Hono<ZenotiAuthEnv>();
  app.use('/api/zenoti/*', zenotiAuth(apiKeyOptions(url)));
  app.all('/api/zenoti/*', zenotiProxy({ prefix: '/api/zenoti', allow: ['GET /v1/centers'], ...extra }));
  return app;
}

/** Headers some servers obey to change the method, the path or who the client is. */
const HOSTILE: Record<string, string> = {
  'x-http-method-override': 'DELETE',
  'x-http-method': 'DELETE',
  'x-method-override': 'DELETE',
  'x-original-url': '/v1/tokens',
  'x-rewrite-url': '/v1/tokens',
  'true-client-ip': '203.0.113.9',
  'x-client-ip': '203.0.113.9',
  'cf-connecting-ip': '203.0.113.9',
  'x-cluster-client-ip': '203.0.113.9',
  'x-real-ip': '203.0.113.9',
  'x-forwarded-host': 'evil.example',
};

/** The headers fetch (undici) adds on its own (`Pragma` for a conditional request, per the Fetch spec). */
const FETCH_ADDS = ['host', 'connection', 'user-agent', 'accept-encoding', 'sec-fetch-mode', 'pragma'];

describe('zenotiProxy(): request headers are an allow-list', () => {
  it('forwards only Accept, Accept-Language, Content-Type, If-None-Match, If-Modified-Since and Cache-Control', async () => {
    const z = await zenoti();
    const res = await proxyApp(z.url).request('/api/zenoti/v1/centers', {
      headers: {
        ...HOSTILE,
        accept: 'application/json',
        'accept-language': 'en-GB',
        'content-type': 'application/json',
        'if-none-match': '"v1"',
        'if-modified-since': 'Wed, 21 Oct 2015 07:28:00 GMT',
        'cache-control': 'max-age=0',
        'x-request-id': 'not on the list',
        origin: 'https://evil.example',
        referer: 'https://evil.example/page',
      },
    });
    expect(res.status).toBe(200);
    const names = z.control.requests()[0]?.headerNames ?? [];
    for (const name of Object.keys(HOSTILE)) expect(names).not.toContain(name);
    for (const name of ['x-request-id', 'origin', 'referer']) expect(names).not.toContain(name);
    const listed = [
      'accept',
      'accept-language',
      'content-type',
      'if-none-match',
      'if-modified-since',
      'cache-control',
    ];
    expect([...names].sort()).toEqual([...listed, 'authorization', ...FETCH_ADDS].sort());
  });

  it('forwards the further headers named in forwardHeaders, never a forbidden one', async () => {
    const z = await zenoti();
    const app = proxyApp(z.url, { forwardHeaders: ['X-Request-Id'] });
    const res = await app.request('/api/zenoti/v1/centers', {
      headers: { ...HOSTILE, 'x-request-id': 'abc', 'x-other': 'no' },
    });
    expect(res.status).toBe(200);
    const names = z.control.requests()[0]?.headerNames ?? [];
    expect(names).toContain('x-request-id');
    expect(names).not.toContain('x-other');
    for (const name of Object.keys(HOSTILE)) expect(names).not.toContain(name);
  });

  it('rejects forwardHeaders that are not header names or may never be forwarded, at start-up', () => {
    const bad: Array<[unknown, string]> = [
      ['x-ok', 'forwardHeaders'],
      [['bad name'], 'forwardHeaders[0]'],
      [['x-ok', 42], 'forwardHeaders[1]'],
      [['Authorization'], 'forwardHeaders[0]'],
      [['cookie'], 'forwardHeaders[0]'],
      [['X-HTTP-Method-Override'], 'forwardHeaders[0]'],
      [['x-original-url'], 'forwardHeaders[0]'],
      [['x-rewrite-url'], 'forwardHeaders[0]'],
      [['true-client-ip'], 'forwardHeaders[0]'],
      [['cf-connecting-ip'], 'forwardHeaders[0]'],
      [['x-forwarded-for'], 'forwardHeaders[0]'],
      [['connection'], 'forwardHeaders[0]'],
    ];
    for (const [forwardHeaders, field] of bad) {
      let error: unknown;
      try {
        zenotiProxy({ allow: ['GET /v1/centers'], forwardHeaders: forwardHeaders as string[] });
      } catch (e) {
        error = e;
      }
      expect(error, JSON.stringify(forwardHeaders)).toBeInstanceOf(ZenotiAuthError);
      expect(error).toMatchObject({ code: 'INVALID_OPTIONS', field });
    }
  });
});

describe('zenotiProxy(): forwardHeaders refuses client-IP and forwarding headers by pattern', () => {
  /** Every vendor's variant: client addresses, forwarding chains, the host or scheme asked for, hop-by-hop. */
  const REFUSED = [
    'x-original-forwarded-for',
    'X-Client-IP',
    'Forwarded',
    'fastly-client-ip',
    'x-forwarded',
    'forwarded-for',
    'x-real-forwarded-for',
    'Via',
    'http2-settings',
    'trailers',
    'X-Real-IP',
    'True-Client-IP',
    'akamai-client-ip',
    'x-cluster-client-ip',
    'x-azure-clientip',
    'x-azure-socketip',
    'x-appengine-user-ip',
    'x-envoy-external-address',
    'x-remote-addr',
    'cf-connecting-ipv6',
    'x-original-host',
    'x-forwarded-proto',
    'x-url-scheme',
    'x-original-uri',
    'x-http-method',
  ];

  it('answers INVALID_OPTIONS naming each header, at start-up', () => {
    for (const name of REFUSED) {
      let error: unknown;
      try {
        zenotiProxy({ allow: ['GET /v1/centers'], forwardHeaders: ['x-request-id', name] });
      } catch (e) {
        error = e;
      }
      expect(error, name).toBeInstanceOf(ZenotiAuthError);
      expect(error).toMatchObject({ code: 'INVALID_OPTIONS', field: 'forwardHeaders[1]' });
      expect((error as Error).message).toContain(`"${name.toLowerCase()}"`);
    }
  });

  it('still forwards ordinary headers: ids, versions, conditional requests', () => {
    const names = ['x-request-id', 'x-correlation-id', 'x-api-version', 'if-match', 'x-hostname', 'prefer'];
    expect(() => zenotiProxy({ allow: ['GET /v1/centers'], forwardHeaders: names })).not.toThrow();
  });
});

describe('zenotiProxy(): relayed responses cannot act as pages of this origin', () => {
  it('sends nosniff and a sandboxing CSP with JSON, and serves a non-JSON body as an attachment', async () => {
    const z = await zenoti();
    const app = proxyApp(z.url);
    const json = await app.request('/api/zenoti/v1/centers');
    expect(json.status).toBe(200);
    expect(json.headers.get('x-content-type-options')).toBe('nosniff');
    expect(json.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
    expect(json.headers.get('content-disposition')).toBeNull();

    const page = '<html><script>alert(document.cookie)</script></html>';
    z.control.injectFault('resource', { kind: 'raw', status: 500, body: page, contentType: 'text/html' });
    const html = await app.request('/api/zenoti/v1/centers');
    expect(html.status).toBe(500);
    expect(html.headers.get('content-type')).toBe('text/html');
    expect(html.headers.get('x-content-type-options')).toBe('nosniff');
    expect(html.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
    expect(html.headers.get('content-disposition')).toBe('attachment');
    expect(await html.text()).toBe(page);
  });
});
