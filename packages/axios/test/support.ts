import { createServer, type IncomingHttpHeaders, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MemoryTokenStore, type ZenotiAuthOptions } from '@zenoti-auth/core';
import {
  DEMO_CREDENTIALS,
  type MockControl,
  type StartMockZenotiOptions,
  startMockZenoti,
} from '@zenoti-auth/mock-server';
import axios, { type AxiosError } from 'axios';
import { afterEach } from 'vitest';

export const D = DEMO_CREDENTIALS;

/** A clock shared by the mock Zenoti and the engine, so tests move time instead of sleeping. */
export class TestClock {
  #t = Date.now();
  readonly now = (): number => this.#t;
  advance(ms: number): void {
    this.#t += ms;
  }
}

const running: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((close) => close()));
});

export interface Zenoti {
  url: string;
  control: MockControl;
}

/** A mock Zenoti on a free loopback port, closed after the test. Rate limit off unless asked for. */
export async function zenoti(options: StartMockZenotiOptions = {}): Promise<Zenoti> {
  const server = await startMockZenoti({ rateLimit: false, ...options });
  running.push(() => server.close());
  return server;
}

/** Options for the demo employee app + service user against `url`, with a private token store. */
export function serviceUser(url: string, extra: Partial<ZenotiAuthOptions> = {}): ZenotiAuthOptions {
  return {
    baseUrl: url,
    app: { accountName: D.accountName, ...D.employeeApp },
    user: { ...D.employee },
    store: new MemoryTokenStore(),
    ...extra,
  } as ZenotiAuthOptions;
}

/** Options for the demo guest app (end-user logins only), with a private token store. */
export function guestApp(url: string): ZenotiAuthOptions {
  return { baseUrl: url, app: { accountName: D.accountName, ...D.guestApp }, store: new MemoryTokenStore() };
}

export interface HttpServer {
  url: string;
  /** Headers of every request received, in order. */
  seen: IncomingHttpHeaders[];
}

/** A plain node:http server on a free loopback port that records request headers; closed after the test. */
export async function httpServer(handler?: RequestListener): Promise<HttpServer> {
  const seen: IncomingHttpHeaders[] = [];
  const server = createServer((req, res) => {
    seen.push(req.headers);
    if (handler) return handler(req, res);
    res.setHeader('content-type', 'application/json');
    res.end('{"ok":true}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  running.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

/** A loopback URL whose port nothing listens on. */
export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

/** The Authorization values (as fingerprints) the mock received, oldest first. */
export function authorizations(control: MockControl): Array<string | undefined> {
  return control.requests().map((r) => r.authorization);
}

/** The AxiosError a request rejects with (fails the test if it resolves or rejects with something else). */
export async function rejection(request: Promise<unknown>): Promise<AxiosError> {
  try {
    await request;
  } catch (error) {
    if (axios.isAxiosError(error)) return error;
    throw error;
  }
  throw new Error('expected the request to fail');
}
