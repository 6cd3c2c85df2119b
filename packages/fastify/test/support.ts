import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { MemoryTokenStore, type ZenotiAuthOptions } from '@zenoti-auth/core';
import { createMockZenotiApp, type MockControl } from '@zenoti-auth/mock-server';
import { D, DEMO_GUEST_PASSWORDS, DEMO_ORG_SECRETS, testResources } from '@zenoti-auth/test-support';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';

export { D, guestApp, serviceUser, WatchedStore } from '@zenoti-auth/test-support';

/** Everything a test opened (mock Zenotis, servers), closed together after it. */
const opened = testResources();
export const zenoti = opened.zenoti;
export const closeAfter = opened.closeAfterTest;

export function apiKeyOptions(url: string): ZenotiAuthOptions {
  return { baseUrl: url, apiKey: D.apiKey, store: new MemoryTokenStore() };
}

/** Every secret of the demo seed: none may appear in anything a client receives. */
export const SECRETS: readonly string[] = [...DEMO_ORG_SECRETS, ...DEMO_GUEST_PASSWORDS];

/** A Fastify app, closed after the test (also when the test never listens). */
export function fastify(options: FastifyServerOptions = {}): FastifyInstance {
  return closeAfter(Fastify(options));
}

/** Serves `app` on 127.0.0.1 and a free port (real HTTP, not inject()); its base URL. */
export async function listen(app: FastifyInstance): Promise<string> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}

/** What the mock saw of `path`: the Authorization of each call, as it logs them (fingerprints). */
export function callsTo(control: MockControl, path = '/v1/centers'): Array<string | undefined> {
  return control
    .requests()
    .filter((r) => r.path === path)
    .map((r) => r.authorization);
}

export const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

/** Polls `check` every 20 ms, at most `limitMs`; whether it came true. */
export async function until(check: () => boolean, limitMs = 2_000): Promise<boolean> {
  for (let waited = 0; waited < limitMs && !check(); waited += 20) await sleep(20);
  return check();
}

/** The mock Zenoti, served so that a test sees which of its requests the caller abandoned. */
export interface WatchedMock {
  url: string;
  control: MockControl;
  /** Paths of the requests whose connection closed before the mock had answered them. */
  abandoned: string[];
}

/**
 * The real mock Zenoti app on a Node server of its own (127.0.0.1, a free port, closed after the
 * test), watched at the socket: a response that closes before it finished is a request the caller
 * abandoned, as Zenoti itself would see a client's abort reach it.
 */
export async function watchedMock(): Promise<WatchedMock> {
  const { app, control } = createMockZenotiApp({ rateLimit: false });
  const server = createAdaptorServer({ fetch: app.fetch, overrideGlobalObjects: false }) as Server;
  const abandoned: string[] = [];
  server.on('request', (req, res) => {
    res.once('close', () => {
      if (!res.writableFinished) abandoned.push(req.url ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closeAfter({
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, control, abandoned };
}
