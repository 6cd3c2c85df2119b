import { describe, expect, it, vi } from 'vitest';
import { type ZenotiErrorLog, zenotiAuth } from '../src/index.ts';
import { zenotiProxy } from '../src/proxy.ts';
import { EXPRESS_VERSIONS, type ExpressFactory } from './frameworks.ts';
import { apiKeyOptions, D, listen, rawRequest, until, zenoti } from './support.ts';
import { watchedMock } from './watched-mock.ts';

// What the Express skin adds to core's proxy (whose rules the shared contract suite checks): the
// mount path, the raw target Node keeps, the client's abort, the log of 5xx answers, Express 4 and 5.

/** The proxy mounted at /api/zenoti behind zenotiAuth(), with an API key. */
function proxyApp(express: ExpressFactory, url: string, onError?: (entry: ZenotiErrorLog) => void) {
  const app = express();
  app.use(
    '/api/zenoti',
    zenotiAuth(apiKeyOptions(url)),
    zenotiProxy({ allow: ['GET /v1/centers', 'GET /v1/centers/:id'], ...(onError ? { onError } : {}) }),
  );
  return app;
}

describe.each(EXPRESS_VERSIONS)('zenotiProxy() on %s (real HTTP)', (_version, express) => {
  it('forwards an allowed path below the mount point with the API key, and relays the answer', async () => {
    const z = await zenoti();
    const url = await listen(proxyApp(express, z.url));
    const res = await fetch(`${url}/api/zenoti/v1/centers?size=2`, { headers: { cookie: 'session=mine' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(((await res.json()) as { centers: unknown[] }).centers.length).toBeGreaterThan(0);
    const [seen] = z.control.requests();
    expect(seen).toMatchObject({
      method: 'GET',
      path: '/v1/centers',
      authorization: `apikey …${D.apiKey.slice(-4)}`,
    });
    expect(seen?.headerNames).not.toContain('cookie');
  });

  it('refuses dot segments as received, encoded slashes and paths off the list, before Zenoti', async () => {
    const z = await zenoti();
    const url = await listen(proxyApp(express, z.url));
    expect((await rawRequest(url, '/api/zenoti/v1/guests/../centers')).status).toBe(400);
    expect((await rawRequest(url, '/api/zenoti/v1%2fcenters')).status).toBe(400);
    // Express 4's mount path takes the slash after it; the skin cuts the target from originalUrl.
    expect((await rawRequest(url, '/api/zenoti//evil.example/v1/centers')).status).toBe(400);
    const offList = await rawRequest(url, '/api/zenoti/v1/guests/search');
    expect([offList.status, JSON.parse(offList.body)]).toEqual([
      404,
      { error: { code: 'NOT_FOUND', message: 'Not found.' } },
    ]);
    expect((await fetch(`${url}/api/zenoti/v1/centers`, { method: 'DELETE' })).status).toBe(405);
    expect(z.control.counters().resources.total).toBe(0);
  });

  it('ends the call at Zenoti when the client leaves', async () => {
    const z = await watchedMock();
    const url = await listen(proxyApp(express, z.url));
    z.control.setLatency(5_000, 'resource');
    const leaving = new AbortController();
    const gone = fetch(`${url}/api/zenoti/v1/centers`, { signal: leaving.signal }).catch((e: unknown) => e);
    expect(await until(() => z.control.counters().resources.total === 1)).toBe(true);
    leaving.abort();
    expect(await gone).toMatchObject({ name: 'AbortError' });
    expect(await until(() => z.abandoned.length === 1)).toBe(true);
    expect(z.abandoned).toEqual(['/v1/centers']);
  });

  it('tells onError of a 5xx once (not the client), and passes a missing zenotiAuth() to next()', async () => {
    const z = await zenoti();
    const logged: ZenotiErrorLog[] = [];
    const url = await listen(proxyApp(express, z.url, (entry) => logged.push(entry)));
    z.control.injectFault('resource', { kind: 'drop' });
    const dropped = await fetch(`${url}/api/zenoti/v1/centers`);
    expect([dropped.status, await dropped.json()]).toEqual([
      503,
      { error: { code: 'NETWORK', message: 'Zenoti could not be reached.' } },
    ]);
    expect(logged.map((e) => [e.status, e.code, e.error?.code])).toEqual([[503, 'NETWORK', 'NETWORK']]);

    const bare = express();
    bare.use('/api/zenoti', zenotiProxy({ allow: ['GET /v1/centers'] }));
    const errors: string[] = [];
    bare.use((error: Error, _req: unknown, res: { status(n: number): { end(): void } }, _next: unknown) => {
      errors.push(error.message);
      res.status(500).end();
    });
    expect((await fetch(`${await listen(bare)}/api/zenoti/v1/centers`)).status).toBe(500);
    expect(errors).toEqual([
      '[@zenoti-auth/express] zenotiProxy() needs zenotiAuth() before it on its route.',
    ]);
  });

  it('names the option at fault at start-up', () => {
    expect(() => zenotiProxy({ allow: ['GET v1/centers'] })).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTIONS', field: 'allow[0]' }),
    );
    expect(() => zenotiProxy({ allow: [], onError: 'log' as never })).toThrow(
      expect.objectContaining({ field: 'onError' }),
    );
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    expect(() => zenotiProxy({ allow: ['GET /v1/centers'], prefix: 'no-slash' })).toThrow(
      expect.objectContaining({
        field: 'prefix',
        message: expect.stringContaining('[@zenoti-auth/express]'),
      }),
    );
    warn.mockRestore();
  });
});
