import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { createMockZenotiApp, type MockControl } from '@zenoti-auth/mock-server';
import { closeAfter } from './support.ts';

/** The mock Zenoti, served so that a test sees which of its requests the caller abandoned. */
export interface WatchedMock {
  url: string;
  control: MockControl;
  /** Paths of the requests whose connection closed before the mock had answered them. */
  abandoned: string[];
}

/**
 * The real mock Zenoti app on its own Node server (127.0.0.1, a free port, closed after the test),
 * watched at the socket: a request whose response closes before it finished was abandoned by the
 * caller — that is how Zenoti itself would see a client's abort reach it.
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
