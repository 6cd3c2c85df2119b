import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { isZenotiAuthError, ZenotiAuth } from '../src/index.ts';
import { D, serviceUser, zenoti } from './support.ts';

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function failure(call: Promise<unknown>): Promise<Error> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isZenotiAuthError(error), String(error)).toBe(true);
  return error as Error;
}

describe('a fetch() that gets no answer fails with a typed error, in either mode', () => {
  it('an unreachable Zenoti with an API key: NETWORK, transient, as in token mode', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const withKey = await failure(new ZenotiAuth({ apiKey: D.apiKey, baseUrl: url }).fetch('/v1/centers'));
    const withToken = await failure(
      new ZenotiAuth(serviceUser(url, { retry: { retries: 0 } })).fetch('/v1/centers'),
    );
    for (const error of [withKey, withToken]) {
      expect(error).toMatchObject({ code: 'NETWORK', transient: true });
      expect(JSON.stringify(error) + error.message).not.toContain(D.apiKey);
    }
  });

  it('an aborted call with a cached credential: ABORTED, never a DOMException', async () => {
    const z = await zenoti();
    for (const auth of [
      new ZenotiAuth({ apiKey: D.apiKey, baseUrl: z.url }),
      new ZenotiAuth(serviceUser(z.url)),
    ]) {
      await auth.authorization(); // the credential is at hand
      expect(await failure(auth.fetch('/v1/centers', { signal: AbortSignal.abort() }))).toMatchObject({
        code: 'ABORTED',
      });
      z.control.setLatency(2_000, 'resource');
      const controller = new AbortController();
      const call = auth.fetch('/v1/centers', { signal: controller.signal });
      setTimeout(() => controller.abort(), 50);
      expect(await failure(call)).toMatchObject({ code: 'ABORTED' });
      z.control.setLatency(0, 'resource');
    }
  });

  it('a call past the caller’s AbortSignal.timeout(): TIMEOUT', async () => {
    const z = await zenoti();
    z.control.setLatency(2_000, 'resource');
    const auth = new ZenotiAuth({ apiKey: D.apiKey, baseUrl: z.url });
    expect(await failure(auth.fetch('/v1/centers', { signal: AbortSignal.timeout(100) }))).toMatchObject({
      code: 'TIMEOUT',
      transient: true,
    });
  });
});
