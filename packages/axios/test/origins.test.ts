import { redact } from '@zenoti-auth/core';
import axios from 'axios';
import { describe, expect, it } from 'vitest';
import { createZenotiAxios, zenotiAuthInterceptor } from '../src/index.ts';
import { guardRedirects } from '../src/redirect.ts';
import { D, httpServer, rejection, serviceUser, zenoti } from './support.ts';

describe('where credentials go', () => {
  it('sends no Authorization on absolute URLs to another origin', async () => {
    const z = await zenoti();
    const other = await httpServer();
    const api = createZenotiAxios({ apiKey: D.apiKey, baseUrl: z.url });
    await api.get(`${other.url}/collect`);
    await api.get(`${other.url.replace('127.0.0.1', 'localhost')}/collect`); // same host, other origin
    expect(other.seen.map((h) => h.authorization)).toEqual([undefined, undefined]);
    expect(z.control.requests()).toHaveLength(0);
  });

  it('sends no Authorization when the instance baseURL is another origin', async () => {
    const z = await zenoti();
    const other = await httpServer();
    const api = axios.create({ baseURL: other.url });
    zenotiAuthInterceptor(api, { apiKey: D.apiKey, baseUrl: z.url });
    await api.get('/v1/centers');
    expect(other.seen[0]?.authorization).toBeUndefined();
  });

  it("leaves the caller's own Authorization to another origin alone, but never adds ours", async () => {
    const z = await zenoti();
    const other = await httpServer();
    const api = createZenotiAxios({ apiKey: D.apiKey, baseUrl: z.url });
    await api.get(`${other.url}/mine`, { headers: { Authorization: 'Basic dXNlcjpwYXNz' } });
    expect(other.seen[0]?.authorization).toBe('Basic dXNlcjpwYXNz');
  });

  it('strips our credential from a reused Zenoti config sent to another origin', async () => {
    const z = await zenoti();
    const other = await httpServer();
    const api = createZenotiAxios(serviceUser(z.url));
    const res = await api.get('/v1/centers');
    expect(res.config.headers.get('authorization')).toMatch(/^bearer /);
    await api.request({ ...res.config, url: `${other.url}/leak` });
    expect(other.seen[0]?.authorization).toBeUndefined();
  });

  it('sends no credential for zenoti.skip', async () => {
    const z = await zenoti();
    const api = createZenotiAxios(serviceUser(z.url));
    const error = await rejection(api.get('/v1/centers', { zenoti: { skip: true } }));
    expect(error.response?.status).toBe(401);
    expect(z.control.requests().map((r) => r.authorization)).toEqual([undefined]);
    expect(z.control.counters().token.total).toBe(0);
  });

  it('drops Authorization when Zenoti redirects to another origin', async () => {
    const sink = await httpServer();
    const redirecting = await httpServer((req, res) => {
      res.writeHead(302, { location: `${sink.url}/landed${req.url}` }).end();
    });
    const hops: string[] = [];
    const api = createZenotiAxios(
      { apiKey: D.apiKey, baseUrl: redirecting.url },
      { beforeRedirect: (options) => hops.push(String(options.href)) },
    );
    const res = await api.get<{ ok: boolean }>('/v1/centers');
    expect(res.data.ok).toBe(true);
    expect(redirecting.seen[0]?.authorization).toBe(`apikey ${D.apiKey}`); // Zenoti itself got it
    expect(sink.seen).toHaveLength(1);
    expect(sink.seen[0]?.authorization).toBeUndefined();
    expect(hops).toEqual([`${sink.url}/landed/v1/centers`]); // the caller's own hook still runs
  });

  it('makes the redirect hook strip Authorization in any spelling for a foreign target, and keep it for Zenoti', () => {
    const config: Parameters<typeof guardRedirects>[0] = {};
    guardRedirects(
      config,
      { isAllowedUrl: (url: URL) => url.origin === 'https://api.zenoti.com' } as never,
      new WeakMap(),
    );
    const hook = config.beforeRedirect;
    if (!hook) throw new Error('no hook installed');
    const details = [
      { headers: {}, statusCode: 302 },
      { headers: {}, url: 'https://api.zenoti.com/x', method: 'GET' },
    ] as const;
    const foreign = {
      href: 'https://evil.example/x',
      headers: { AUTHORIZATION: 'apikey k', authorization: 'apikey k', accept: '*/*' },
    };
    hook(foreign, ...details);
    expect(foreign.headers).toEqual({ accept: '*/*' });
    const home = { href: 'https://api.zenoti.com/y', headers: { Authorization: 'apikey k' } };
    hook(home, ...details);
    expect(home.headers).toEqual({ Authorization: 'apikey k' });
  });

  it('makes one guard per wrapped hook, and leaves a guard in place (a retried config)', () => {
    const auth = { isAllowedUrl: () => false } as never;
    const guards = new WeakMap();
    const calls: string[] = [];
    const mine = (options: { href?: string }): void => {
      calls.push(String(options.href));
    };
    type Config = Parameters<typeof guardRedirects>[0];
    const a: Config = {};
    const b: Config = {};
    const c: Config = { beforeRedirect: mine };
    const d: Config = { beforeRedirect: mine };
    for (const config of [a, b, c, d]) guardRedirects(config, auth, guards);
    expect(a.beforeRedirect).toBe(b.beforeRedirect);
    expect(c.beforeRedirect).toBe(d.beforeRedirect);
    expect(c.beforeRedirect).not.toBe(a.beforeRedirect);
    const guard = c.beforeRedirect;
    guardRedirects(c, auth, guards); // again: not wrapped twice
    expect(c.beforeRedirect).toBe(guard);
    const hop = { href: 'https://evil.example/x', headers: { authorization: 'apikey k' } };
    guard?.(
      hop,
      { headers: {}, statusCode: 302 },
      { headers: {}, url: 'https://api.zenoti.com/x', method: 'GET' },
    );
    expect(hop.headers).toEqual({});
    expect(calls).toEqual(['https://evil.example/x']); // the caller's hook ran once
  });

  it('judges the origin axios will really call: relative URLs at the baseURL, absolute ones by themselves', async () => {
    const z = await zenoti();
    const other = await httpServer();
    const api = createZenotiAxios({ apiKey: D.apiKey, baseUrl: z.url });
    const ours = `apikey ${redact(D.apiKey)}`;
    await api.get('v1/centers'); // no leading slash: still baseURL + '/' + url
    await api.get(`${other.url}/absolute`);
    // With allowAbsoluteUrls: false axios joins even an absolute URL to the baseURL: Zenoti gets it.
    await rejection(api.get(`${other.url}/joined`, { allowAbsoluteUrls: false }));
    expect(z.control.requests().map((r) => [r.path, r.authorization])).toEqual([
      ['/v1/centers', ours],
      [expect.stringContaining('/joined'), ours],
    ]);
    expect(other.seen.map((h) => h.authorization)).toEqual([undefined]);
    // A baseURL at another origin decides for every URL once absolute URLs are joined to it.
    const elsewhere = axios.create({ baseURL: other.url, allowAbsoluteUrls: false });
    zenotiAuthInterceptor(elsewhere, { apiKey: D.apiKey, baseUrl: z.url });
    await elsewhere.get(`${z.url}/v1/centers`);
    await elsewhere.get('v1/centers');
    expect(other.seen.slice(1).map((h) => h.authorization)).toEqual([undefined, undefined]);
    expect(z.control.requests()).toHaveLength(2);
  });

  it('sends the credential to an extra origin listed in allowedOrigins', async () => {
    const z = await zenoti();
    const eu = await httpServer();
    const api = createZenotiAxios({ apiKey: D.apiKey, baseUrl: z.url, allowedOrigins: [eu.url] });
    await api.get(`${eu.url}/v1/centers`);
    expect(eu.seen[0]?.authorization).toBe(`apikey ${D.apiKey}`);
  });
});
