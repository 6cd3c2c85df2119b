import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { type ZenotiAuthEnv, zenotiAuth } from '../src/index.ts';
import { zenotiProxy } from '../src/proxy.ts';
import { listen, rawRequest } from './server.ts';
import { apiKeyOptions, D, upstreamCalls, zenoti } from './support.ts';

async function servedProxy(): Promise<{ port: number; z: Awaited<ReturnType<typeof zenoti>> }> {
  const z = await zenoti();
  const app = new Hono<ZenotiAuthEnv>();
  app.use('/api/zenoti/*', zenotiAuth(apiKeyOptions(z.url)));
  app.all(
    '/api/zenoti/*',
    zenotiProxy({ prefix: '/api/zenoti', allow: ['GET /v1/centers', 'GET /v1/centers/:id'] }),
  );
  return { port: await listen(app), z };
}

// Raw node:http requests: the request target reaches the server exactly as written, where
// fetch() and URL would have resolved `..` and `\` before sending.
describe('zenotiProxy() over a real socket (@hono/node-server)', () => {
  const attacks: Array<[string, string]> = [
    ['/../ that would normalise to an allowed path', '/api/zenoti/v1/guests/../centers'],
    ['/../ towards a path off the list', '/api/zenoti/v1/centers/../guests/search'],
    ['/%2e%2e/', '/api/zenoti/v1/guests/%2e%2e/centers'],
    ['/.%2E/', '/api/zenoti/v1/guests/.%2E/centers'],
    ['/./', '/api/zenoti/v1/./centers'],
    ['a backslash', '/api/zenoti/v1\\centers'],
    ['an encoded backslash %5c', '/api/zenoti/v1%5ccenters'],
    ['%2f', '/api/zenoti/v1%2fcenters'],
    ['%2F', '/api/zenoti/v1%2Fcenters'],
    ['double-encoded %252f', '/api/zenoti/v1%252fcenters'],
    ['//host', '/api/zenoti//evil.example/v1/centers'],
    ['an absolute URL in the path', '/api/zenoti/http://evil.example/v1/centers'],
    ['an absolute-form request target', 'http://evil.example/api/zenoti/v1/centers'],
  ];

  it('answers 400 to every path attack and sends nothing upstream', async () => {
    const { port, z } = await servedProxy();
    for (const [name, target] of attacks) {
      const answer = await rawRequest(port, target);
      expect(answer.status, name).toBe(400);
    }
    const offList = await rawRequest(port, '/api/zenoti/v1/guests/search');
    expect(offList.status).toBe(404);
    expect(upstreamCalls(z.control)).toBe(0);
    expect(z.control.requests()).toEqual([]);
  });

  it("forwards an allowed path with the server's API key only, never the browser's credentials", async () => {
    const { port, z } = await servedProxy();
    const answer = await rawRequest(port, '/api/zenoti/v1/centers?size=2', {
      headers: { authorization: 'bearer browser-token', cookie: 'a=b', 'proxy-authorization': 'Basic eDp5' },
    });
    expect(answer.status).toBe(200);
    expect((JSON.parse(answer.body) as { centers: unknown[] }).centers).toHaveLength(2);
    expect(answer.headers['set-cookie']).toBeUndefined();
    const [seen] = z.control.requests();
    expect(seen?.authorization).toBe(`apikey …${D.apiKey.slice(-4)}`);
    expect(seen?.headerNames).not.toContain('cookie');
    expect(seen?.headerNames).not.toContain('proxy-authorization');
  });
});
