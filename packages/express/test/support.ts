import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MemoryTokenStore, type ZenotiAuthOptions } from '@zenoti-auth/core';
import type { MockControl } from '@zenoti-auth/mock-server';
import { D, DEMO_GUEST_PASSWORDS, DEMO_ORG_SECRETS, testResources } from '@zenoti-auth/test-support';
import type { Express } from 'express';

export { D, guestApp, serviceUser, WatchedStore, type Zenoti } from '@zenoti-auth/test-support';

/** Everything a test opened (mock Zenotis, servers), closed together after it. */
const opened = testResources();
export const zenoti = opened.zenoti;
export const closeAfter = opened.closeAfterTest;

export function apiKeyOptions(url: string): ZenotiAuthOptions {
  return { baseUrl: url, apiKey: D.apiKey, store: new MemoryTokenStore() };
}

/** Every secret of the demo seed: none may appear in anything a client receives. */
export const SECRETS: readonly string[] = [...DEMO_ORG_SECRETS, ...DEMO_GUEST_PASSWORDS];

/** Total number of calls the mock has seen (tokens, revokes, resources). */
export function upstreamCalls(control: MockControl): number {
  const { token, revoke, resources } = control.counters();
  return token.total + revoke.total + resources.total + resources.faulted;
}

/** Serves an Express app on 127.0.0.1 and a free port, closed after the test; its base URL. */
export async function listen(app: Express): Promise<string> {
  const server = await new Promise<ReturnType<Express['listen']>>((resolve, reject) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
  closeAfter({
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

export const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

/** Polls `check` every 20 ms, at most `limitMs`; whether it came true. */
export async function until(check: () => boolean, limitMs = 2_000): Promise<boolean> {
  for (let waited = 0; waited < limitMs && !check(); waited += 20) await sleep(20);
  return check();
}

/** One HTTP/1.1 request whose target is sent byte for byte (no URL normalisation), 5 s at most. */
export function rawRequest(url: string, target: string): Promise<{ status: number; body: string }> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: target, agent: false, timeout: 5_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
      );
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer for ${target}`)));
    req.on('error', reject);
    req.end();
  });
}
