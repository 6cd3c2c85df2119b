import { createServer } from 'node:net';
import type { ZenotiAuthOptions } from '@zenoti-auth/core';
import { Hono } from 'hono';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isZenotiHTTPException, type ZenotiAuthEnv, zenotiAuth } from '../src/index.ts';
import { zenotiProxy } from '../src/proxy.ts';
import { listen } from './server.ts';
import { apiKeyOptions, D, serviceUser, zenoti } from './support.ts';

// A call to Zenoti that gets no answer is the same typed error whatever the credential: 503 NETWORK
// when the connection fails, ABORTED when the client leaves — never a raw TypeError or DOMException
// (a 500 and a stack trace). These rest on core's fetch() (packages/core/src/zenoti-fetch.ts).

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

afterEach(() => {
  vi.restoreAllMocks();
});

/** What console.error is given from now on (and not printed). */
function consoleErrors(): string[] {
  const lines: string[] = [];
  vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
    lines.push(args.map((a) => (a instanceof Error ? String(a.stack) : String(a))).join(' '));
  });
  return lines;
}

/**
 * Both ways to Zenoti: the proxy under `/api/zenoti`, and `GET /centers`, whose handler passes the
 * request's signal and keeps what `c.var.zenoti.fetch` threw in `thrown`.
 */
function bothWays(options: ZenotiAuthOptions, thrown: unknown[] = []): Hono<ZenotiAuthEnv> {
  const app = new Hono<ZenotiAuthEnv>();
  app.use('*', zenotiAuth(options));
  app.all('/api/zenoti/*', zenotiProxy({ prefix: '/api/zenoti', allow: ['GET /v1/centers'] }));
  app.get('/centers', async (c) => {
    try {
      const res = await c.var.zenoti.fetch('/v1/centers', { signal: c.req.raw.signal });
      return c.json(await res.json(), res.status as 200);
    } catch (error) {
      thrown.push(error);
      throw error;
    }
  });
  return app;
}

const NETWORK = { error: { code: 'NETWORK', message: 'Zenoti could not be reached.' } };

describe('a call to Zenoti that gets no answer (real HTTP, @hono/node-server)', () => {
  it('an unreachable Zenoti with an API key is 503 NETWORK, as in token mode, logged once without a stack', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const modes: Array<[string, ZenotiAuthOptions]> = [
      ['API key', apiKeyOptions(url)],
      ['token', serviceUser(url, { retry: { retries: 0 } })],
    ];
    for (const [mode, options] of modes) {
      const port = await listen(bothWays(options));
      const lines = consoleErrors();
      for (const path of ['/centers', '/api/zenoti/v1/centers']) {
        const res = await fetch(`http://127.0.0.1:${port}${path}`);
        expect([res.status, await res.json()], `${mode} ${path}`).toEqual([503, NETWORK]);
      }
      expect(lines, mode).toEqual([
        expect.stringMatching(/^\[@zenoti-auth\/hono\] GET \/centers answered 503 NETWORK: /),
        expect.stringMatching(
          /^\[@zenoti-auth\/hono\] GET \/api\/zenoti\/v1\/centers answered 503 NETWORK: /,
        ),
      ]);
      expect(lines.join('\n'), mode).not.toMatch(/TypeError|fetch failed|\n\s+at /);
      expect(lines.join('\n')).not.toContain(D.apiKey);
      vi.restoreAllMocks();
    }
  });

  it('a connection Zenoti drops, with a cached token, is 503 NETWORK', async () => {
    const z = await zenoti();
    const port = await listen(bothWays(serviceUser(z.url)));
    consoleErrors();
    expect((await fetch(`http://127.0.0.1:${port}/centers`)).status).toBe(200); // the token is cached
    for (const path of ['/centers', '/api/zenoti/v1/centers']) {
      z.control.injectFault('resource', { kind: 'drop' });
      const res = await fetch(`http://127.0.0.1:${port}${path}`);
      expect([res.status, await res.json()], path).toEqual([503, NETWORK]);
    }
    expect(z.control.counters().token.total).toBe(1);
  });

  it('a client that leaves while its call waits on Zenoti, with the credential cached, ends it with ABORTED', async () => {
    const z = await zenoti();
    const modes: Array<[string, ZenotiAuthOptions]> = [
      ['API key', apiKeyOptions(z.url)],
      ['token', serviceUser(z.url)],
    ];
    for (const [mode, options] of modes) {
      const thrown: unknown[] = [];
      const port = await listen(bothWays(options, thrown));
      const logged = consoleErrors();
      z.control.setLatency(0, 'resource');
      expect((await fetch(`http://127.0.0.1:${port}/centers`)).status, mode).toBe(200); // credential at hand
      z.control.setLatency(5_000, 'resource');
      const before = z.control.counters().resources.total;
      const leaving = new AbortController();
      const gone = fetch(`http://127.0.0.1:${port}/centers`, { signal: leaving.signal }).catch(
        (e: unknown) => e,
      );
      // Until the call is at Zenoti (bounded: 50 × 20 ms).
      for (let i = 0; i < 50 && z.control.counters().resources.total === before; i++) await sleep(20);
      leaving.abort(); // the socket closes: @hono/node-server aborts the request's signal
      expect(await gone).toMatchObject({ name: 'AbortError' });
      for (let i = 0; i < 100 && thrown.length === 0; i++) await sleep(20);
      const [error] = thrown;
      expect(isZenotiHTTPException(error), `${mode}: ${String(error)}`).toBe(true);
      expect(error, mode).toMatchObject({ status: 503, code: 'ABORTED', cause: { code: 'ABORTED' } });
      // The client went away: no fault of the server's, so the default onError writes no line.
      expect(
        logged.filter((line) => line.includes('ABORTED')),
        mode,
      ).toEqual([]);
      z.control.setLatency(0, 'resource');
      vi.restoreAllMocks();
    }
  });
});

const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));
