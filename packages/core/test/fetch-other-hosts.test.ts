// Core's `fetch()` sends only to Zenoti: a URL off the allowed origins is refused before anything
// is sent, with or without a credential, so that a proxy built on it cannot reach other hosts (SSRF).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ZenotiAuth } from '../src/index.ts';
import { D, serviceUser, zenoti } from './support.ts';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

/** Another loopback host that counts the requests it receives. */
async function otherHost(): Promise<{ origin: string; host: string; requests: () => number }> {
  let requests = 0;
  const server = createServer((_req, res) => {
    requests++;
    res.end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { origin: `http://${host}`, host, requests: () => requests };
}

describe('fetch() reaches no host but Zenoti', () => {
  it.each([
    ['an API key', (url: string) => new ZenotiAuth({ apiKey: D.apiKey, baseUrl: url })],
    ['a service user', (url: string) => new ZenotiAuth(serviceUser(url))],
  ])('refuses every form of another origin, with %s, and sends nothing anywhere', async (_mode, engine) => {
    const z = await zenoti();
    const other = await otherHost();
    const auth = engine(z.url);
    const inputs: Array<string | URL | Request> = [
      `${other.origin}/x`,
      `//${other.host}/x`,
      `/\\${other.host}/x`,
      `\\\\${other.host}/x`,
      `\\/${other.host}/x`,
      new URL(`${other.origin}/x`),
      new Request(`${other.origin}/x`, { method: 'POST', body: '{}' }),
    ];
    for (const input of inputs)
      for (const init of [{}, { zenoti: { skip: true } }]) {
        const error = await auth.fetch(input, init).catch((e: unknown) => e);
        expect(error).toMatchObject({ name: 'ZenotiAuthError', code: 'INVALID_OPTIONS', field: 'url' });
        expect((error as Error).message).toContain(`refused ${other.origin}:`);
      }
    expect(other.requests()).toBe(0);
    expect(z.control.counters().token.total).toBe(0);
    expect(z.control.counters().resources.total).toBe(0);
    // Paths and the base URL's own origin still go to Zenoti.
    expect((await auth.fetch('/v1/centers')).status).toBe(200);
    expect((await auth.fetch(`${z.url}/v1/centers`)).status).toBe(200);
  });
});
