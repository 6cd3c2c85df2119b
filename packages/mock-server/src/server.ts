import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { buildMock } from './app.ts';
import type { MockControl, StartMockZenotiOptions } from './types.ts';

/** A running mock. */
export interface RunningMockZenoti {
  /** e.g. `http://127.0.0.1:40123` (no trailing slash). */
  url: string;
  port: number;
  control: MockControl;
  /** Stops listening, releases hanging requests and closes every connection. */
  close(): Promise<void>;
}

/**
 * Serves the Zenoti imitation over HTTP on `127.0.0.1` and a free port (by default).
 *
 * @example
 * const zenoti = await startMockZenoti();
 * const res = await fetch(`${zenoti.url}/v1/tokens`, { method: 'POST', body: JSON.stringify({ ... }) });
 * await zenoti.close();
 */
export async function startMockZenoti(options: StartMockZenotiOptions = {}): Promise<RunningMockZenoti> {
  const { port = 0, hostname = '127.0.0.1', ...mockOptions } = options;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new Error(`zenoti-mock: port must be an integer from 0 to 65535; got ${String(port)}`);
  }
  const { app, control, state } = buildMock(mockOptions);
  const server = createAdaptorServer({ fetch: app.fetch, overrideGlobalObjects: false }) as Server;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, hostname, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    control,
    close(): Promise<void> {
      closing ??= new Promise<void>((resolve, reject) => {
        state.shutdown.abort();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
