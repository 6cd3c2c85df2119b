import { createServer, type IncomingHttpHeaders, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { ZenotiAuth } from '@zenoti-auth/core';
import type { MockControl } from '@zenoti-auth/mock-server';
import { D, serviceUser, testResources } from '@zenoti-auth/test-support';
import axios, { type AxiosError, type AxiosInstance } from 'axios';
import { expect } from 'vitest';
import { createZenotiAxios } from '../src/index.ts';

export { D, guestApp, serviceUser, TestClock, type Zenoti } from '@zenoti-auth/test-support';

/** Everything a test opened (mock Zenotis, HTTP servers), closed together after it. */
const { onCleanup, zenoti } = testResources();

export { zenoti };

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
  onCleanup(
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

const SECRETS = [D.apiKey, D.employeeApp.appSecret, D.employee.password];

/** Every way the error could be logged shows none of the secrets (mock tokens all contain `$ARD#`). */
export function expectNoSecret(error: AxiosError, tokens: string[] = []): void {
  const outputs = {
    inspect: inspect(error, { depth: 6 }),
    inspectAll: inspect(error, { depth: Number.POSITIVE_INFINITY, showHidden: true }),
    stringify: JSON.stringify(error),
    toJSON: JSON.stringify(error.toJSON()),
    stack: String(error.stack),
  };
  for (const [how, output] of Object.entries(outputs)) {
    for (const secret of [...SECRETS, ...tokens])
      expect(output.includes(secret), `${how} shows a secret`).toBe(false);
    expect(output, how).not.toContain('$ARD#');
  }
}

export async function tokenApi(
  url: string,
  extra = {},
): Promise<{ api: AxiosInstance; auth: ZenotiAuth; token: string }> {
  const auth = new ZenotiAuth(serviceUser(url));
  const api = createZenotiAxios(auth, extra);
  const token = await auth.authorization();
  return { api, auth, token };
}
