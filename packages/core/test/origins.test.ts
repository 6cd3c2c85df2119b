import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ZenotiAuth } from '../src/index.ts';
import { D, serviceUser, zenoti } from './support.ts';

interface Recorder {
  url: string;
  seen: IncomingHttpHeaders[];
  server: Server;
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

/** A plain local HTTP server that records what it receives and answers via `respond`. */
async function origin(respond?: (path: string) => { status: number; location?: string }): Promise<Recorder> {
  const seen: IncomingHttpHeaders[] = [];
  const server = createServer((req, res) => {
    seen.push(req.headers);
    const answer = respond?.(req.url ?? '/') ?? { status: 200 };
    res.writeHead(answer.status, answer.location ? { location: answer.location } : {});
    res.end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, server };
}

describe('credentials go only to Zenoti', () => {
  it('sends nothing to another origin, whether absolute, protocol-relative or a Request', async () => {
    const z = await zenoti();
    const other = await origin();
    const auth = new ZenotiAuth(serviceUser(z.url));
    for (const input of [
      `${other.url}/steal`,
      `//${new URL(other.url).host}/steal`,
      new Request(`${other.url}/steal`),
    ])
      await expect(auth.fetch(input)).rejects.toMatchObject({ code: 'INVALID_OPTIONS', field: 'url' });
    expect(other.seen).toHaveLength(0);
    expect(auth.isAllowedUrl(`${other.url}/x`)).toBe(false);
    expect(auth.isAllowedUrl('/v1/centers')).toBe(true);
    expect(z.control.counters().token.total).toBe(0);
  });

  it('drops the credential (and the caller’s own Authorization and Cookie) when Zenoti redirects elsewhere', async () => {
    const other = await origin();
    const zen = await origin((path) =>
      path.startsWith('/away') ? { status: 302, location: `${other.url}/landing` } : { status: 200 },
    );
    const auth = new ZenotiAuth({ apiKey: D.apiKey, baseUrl: zen.url });
    const res = await auth.fetch('/away', { headers: { cookie: 'session=1' } });
    expect(res.status).toBe(200);
    expect(zen.seen[0]?.authorization).toBe(`apikey ${D.apiKey}`);
    expect(other.seen).toHaveLength(1);
    expect(other.seen[0]?.authorization).toBeUndefined();
    expect(other.seen[0]?.cookie).toBeUndefined();
  });

  it('keeps the credential across a redirect within Zenoti’s origin', async () => {
    const zen = await origin((path) =>
      path === '/old' ? { status: 301, location: '/new' } : { status: 200 },
    );
    const auth = new ZenotiAuth({ apiKey: D.apiKey, baseUrl: zen.url });
    await auth.fetch('/old');
    expect(zen.seen.map((h) => h.authorization)).toEqual([`apikey ${D.apiKey}`, `apikey ${D.apiKey}`]);
  });

  it('sends credentials to an explicitly allowed origin, and none when a call opts out', async () => {
    const extra = await origin();
    const z = await zenoti();
    const auth = new ZenotiAuth({ apiKey: D.apiKey, baseUrl: z.url, allowedOrigins: [extra.url] });
    await auth.fetch(`${extra.url}/ok`);
    await auth.fetch(`${extra.url}/ok`, { zenoti: { skip: true } });
    expect(extra.seen[0]?.authorization).toBe(`apikey ${D.apiKey}`);
    expect(extra.seen[1]?.authorization).toBeUndefined();
  });

  it('refuses a redirect from the token endpoint: the password never follows it', async () => {
    const other = await origin();
    const zen = await origin(() => ({ status: 307, location: `${other.url}/v1/tokens` }));
    const auth = new ZenotiAuth({
      baseUrl: zen.url,
      app: { accountName: D.accountName, ...D.employeeApp },
      user: { ...D.employee },
    });
    await expect(auth.authorization()).rejects.toMatchObject({ code: 'TOKEN_ENDPOINT', status: 307 });
    expect(zen.seen).toHaveLength(1);
    expect(other.seen).toHaveLength(0);
  });
});
