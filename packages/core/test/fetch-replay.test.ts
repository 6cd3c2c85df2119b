// The guarantees of zenotiFetch that building one Request per call touches. The first two fail if
// a redirect hop takes the body of the request that a 401 or 429 retry sends again.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ZenotiAuth } from '../src/index.ts';
import { D, serviceUser, zenoti } from './support.ts';

interface Seen {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}
const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});
async function origin(
  respond: (
    path: string,
    n: number,
  ) => { status: number; location?: string; headers?: Record<string, string> } = () => ({ status: 200 }),
) {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      seen.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body });
      const a = respond(req.url ?? '/', seen.length);
      res.writeHead(a.status, { ...(a.location ? { location: a.location } : {}), ...a.headers });
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

describe('fetch(): bodies replayed, credentials per hop', () => {
  it('replays the body through a 307 and a 401 retry, with a fresh token', async () => {
    const z = await zenoti();
    let b401 = 0;
    const rec = await origin((path) => {
      if (path === '/a') return { status: 307, location: '/b' };
      if (path === '/b' && b401++ === 0) return { status: 401 };
      return { status: 200 };
    });
    const auth = new ZenotiAuth(serviceUser(z.url, { allowedOrigins: [rec.url] }));
    const first = await auth.authorization();
    const res = await auth.fetch(`${rec.url}/a`, {
      method: 'POST',
      body: 'payload',
      headers: { 'content-type': 'text/plain' },
    });
    expect(res.status).toBe(200);
    expect(rec.seen.map((s) => `${s.method} ${s.path} ${s.body}`)).toEqual([
      'POST /a payload',
      'POST /b payload',
      'POST /a payload',
      'POST /b payload',
    ]);
    expect(rec.seen[0]?.headers.authorization).toBe(first);
    expect(rec.seen[1]?.headers.authorization).toBe(first);
    expect(rec.seen[2]?.headers.authorization).not.toBe(first);
    expect(rec.seen[3]?.headers.authorization).toBe(rec.seen[2]?.headers.authorization);
  });

  it('replays the body through a 308 and a 429 wait', async () => {
    const rec = await origin((path, n) => {
      if (path === '/a') return { status: 308, location: '/b' };
      if (n === 2) return { status: 429, headers: { 'retry-after': '0' } };
      return { status: 200 };
    });
    const auth = new ZenotiAuth({ apiKey: D.apiKey, baseUrl: rec.url });
    const res = await auth.fetch('/a', { method: 'PUT', body: 'x'.repeat(100_000) });
    expect(res.status).toBe(200);
    expect(rec.seen.map((s) => `${s.method} ${s.path} ${s.body.length} ${s.headers.authorization}`)).toEqual(
      Array.from({ length: 2 }, () => [
        `PUT /a 100000 apikey ${D.apiKey}`,
        `PUT /b 100000 apikey ${D.apiKey}`,
      ]).flat(),
    );
  });

  it('does not send the credential again after a redirect left the allowed origins and came back', async () => {
    const zen = await origin((path) =>
      path === '/x' ? { status: 302, location: `${other.url}/y` } : { status: 200 },
    );
    const other = await origin(() => ({ status: 302, location: `${zen.url}/z` }));
    const auth = new ZenotiAuth({ apiKey: D.apiKey, baseUrl: zen.url });
    const res = await auth.fetch('/x', { headers: { authorization: 'mine', cookie: 'c=1' } });
    expect(res.status).toBe(200);
    expect(zen.seen.map((s) => [s.path, s.headers.authorization, s.headers.cookie])).toEqual([
      ['/x', `apikey ${D.apiKey}`, 'c=1'],
      ['/z', undefined, undefined],
    ]);
    expect(other.seen[0]?.headers.authorization).toBeUndefined();
    expect(other.seen[0]?.headers.cookie).toBeUndefined();
  });

  it('keeps the caller’s own Authorization where no credential is added, drops it cross-origin', async () => {
    const other = await origin();
    const zen = await origin((path) =>
      path === '/x' ? { status: 302, location: `${other.url}/y` } : { status: 200 },
    );
    const auth = new ZenotiAuth({ apiKey: D.apiKey, baseUrl: zen.url });
    await auth.fetch('/x', { headers: { authorization: 'mine' }, zenoti: { skip: true } });
    expect(zen.seen[0]?.headers.authorization).toBe('mine');
    expect(other.seen[0]?.headers.authorization).toBeUndefined();
  });

  it('does not follow with redirect manual/error, and leaves the caller’s headers and Request alone', async () => {
    const zen = await origin((path) => (path === '/x' ? { status: 302, location: '/y' } : { status: 200 }));
    const auth = new ZenotiAuth({ apiKey: D.apiKey, baseUrl: zen.url });
    const headers = new Headers({ accept: 'application/json' });
    expect((await auth.fetch('/x', { headers, redirect: 'manual' })).status).toBe(302);
    expect((await auth.fetch('/x', { redirect: 'error' })).status).toBe(302);
    expect([...headers]).toEqual([['accept', 'application/json']]);
    const request = new Request(`${zen.url}/x`, { redirect: 'manual' });
    expect((await auth.fetch(request)).status).toBe(302);
    expect((await auth.fetch(request, { redirect: 'follow' })).status).toBe(200);
    expect(request.headers.has('authorization')).toBe(false);
    expect(zen.seen.map((s) => s.path)).toEqual(['/x', '/x', '/x', '/x', '/y']);
  });

  it('sends nothing for a Request to another origin, not even its own Authorization', async () => {
    const z = await zenoti();
    const other = await origin();
    const auth = new ZenotiAuth(serviceUser(z.url));
    const request = new Request(`${other.url}/steal`, { headers: { authorization: 'x' } });
    await expect(auth.fetch(request)).rejects.toMatchObject({ code: 'INVALID_OPTIONS', field: 'url' });
    expect(other.seen).toHaveLength(0);
  });
});
