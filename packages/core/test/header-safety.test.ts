import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ZenotiAuth } from '../src/index.ts';
import { D, guestApp, serviceUser, tokenCalls, zenoti } from './support.ts';

const HOUR = 3_600_000;
const iso7 = (ms: number): string => new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$10000Z');

describe('credentials and tokens that cannot stand in a header', () => {
  it('refuses a login whose username or password holds a control character, before any token call', async () => {
    const z = await zenoti();
    const auth = new ZenotiAuth(guestApp(z.url));
    for (const [username, password, field] of [
      [D.guests[0].username, 'pass\u0000word', 'password'],
      [`${D.guests[0].username}\r\n`, D.guests[0].password, 'username'],
    ] as const)
      await expect(auth.login({ username, password })).rejects.toMatchObject({
        code: 'INVALID_OPTIONS',
        field,
      });
    expect(tokenCalls(z.control)).toBe(0);
  });

  it.each([
    ['a NUL in the access token', { access_token: 'AN:demo\u0000token' }],
    ['a line break in the access token', { access_token: 'AN:demo\r\nx-injected: 1' }],
    ['a non-ASCII access token', { access_token: 'AN:démo-token' }],
    ['a DEL in the refresh token', { refresh_token: 'RT:demo\u007ftoken' }],
  ])('takes a token response with %s as INVALID_RESPONSE and caches nothing', async (_name, bad) => {
    const z = await zenoti();
    const auth = new ZenotiAuth(serviceUser(z.url, { retry: { retries: 0 } }));
    const credentials = {
      access_token: 'AN:demo-token',
      access_token_expiry: iso7(Date.now() + HOUR),
      refresh_token: 'RT:demo-token',
      token_type: 'bearer',
      ...bad,
    };
    z.control.injectFault('token', { kind: 'raw', body: JSON.stringify({ credentials, error: null }) }, 1);
    const error = await auth.authorization().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'INVALID_RESPONSE' });
    expect(String((error as Error).message)).not.toContain('demo');
    await expect(auth.authorization()).resolves.toMatch(/^bearer AN:demo-spa\|/);
  });
});

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map((s) => {
      s.closeAllConnections();
      return new Promise((done) => s.close(done));
    }),
  );
});

/**
 * A token endpoint that answers 200 with a body of `total` bytes, written only as fast as the
 * client reads it; `declare` sends the size as Content-Length. Counts the requests and the bytes
 * that left the server.
 */
async function hugeTokenEndpoint(total: number, declare: boolean) {
  const seen = { requests: 0, bytesWritten: 0 };
  const chunk = Buffer.alloc(64 * 1024, 'a');
  const server = createServer((req, res) => {
    seen.requests++;
    req.resume();
    res.writeHead(200, {
      'content-type': 'application/json',
      ...(declare ? { 'content-length': String(total) } : {}),
    });
    const pump = (): void => {
      while (seen.bytesWritten < total && !res.destroyed) {
        seen.bytesWritten += chunk.length;
        if (!res.write(chunk)) return void res.once('drain', pump);
      }
      res.end();
    };
    res.on('close', () => res.destroy());
    pump();
  });
  servers.push(server);
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

describe('token responses are read within a size limit', () => {
  it.each([
    ['streamed without a length', false],
    ['with a Content-Length', true],
  ])(
    'stops reading a 200 MB body %s: INVALID_RESPONSE, one request, a few MB at most',
    async (_n, declare) => {
      const upstream = await hugeTokenEndpoint(200 * 1024 * 1024, declare);
      const auth = new ZenotiAuth(serviceUser(upstream.url, { retry: { retries: 3, minDelayMs: 10 } }));
      const error = await auth.authorization().catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'INVALID_RESPONSE' });
      expect((error as Error).message).toContain('over 65536 bytes');
      expect(upstream.seen.requests).toBe(1); // final: not retried
      // What left the server is bounded by the limit plus socket buffers, not by the body.
      await new Promise((settle) => setTimeout(settle, 100));
      expect(upstream.seen.bytesWritten).toBeLessThan(16 * 1024 * 1024);
    },
  );
});
