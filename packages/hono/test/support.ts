import { MemoryTokenStore, type TokenSet, type ZenotiAuthOptions } from '@zenoti-auth/core';
import {
  DEMO_CREDENTIALS,
  type MockControl,
  type StartMockZenotiOptions,
  startMockZenoti,
} from '@zenoti-auth/mock-server';
import { afterEach } from 'vitest';

export const D = DEMO_CREDENTIALS;

const running: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.close()));
});

export interface Zenoti {
  url: string;
  control: MockControl;
}

/** A mock Zenoti on a free loopback port, closed after the test. Rate limit off unless asked for. */
export async function zenoti(options: StartMockZenotiOptions = {}): Promise<Zenoti> {
  const server = await startMockZenoti({ rateLimit: false, ...options });
  running.push(server);
  return server;
}

/** Registers something to close after the current test (servers, processes). */
export function closeAfter(resource: { close(): Promise<void> }): void {
  running.push(resource);
}

/** A MemoryTokenStore that records every token set written, so tests can look for tokens in output. */
export class WatchedStore extends MemoryTokenStore {
  readonly written: TokenSet[] = [];
  gets = 0;
  override get(key: string): TokenSet | undefined {
    this.gets++;
    return super.get(key);
  }
  override set(key: string, value: TokenSet, ttlMs: number): void {
    this.written.push(value);
    super.set(key, value, ttlMs);
  }
  /** Every access and refresh token written so far. */
  tokens(): string[] {
    return this.written.flatMap((set) => [set.accessToken, ...(set.refreshToken ? [set.refreshToken] : [])]);
  }
}

export function apiKeyOptions(url: string): ZenotiAuthOptions {
  return { baseUrl: url, apiKey: D.apiKey, store: new MemoryTokenStore() };
}

export function serviceUser(url: string, extra: Partial<ZenotiAuthOptions> = {}): ZenotiAuthOptions {
  return {
    baseUrl: url,
    app: { accountName: D.accountName, ...D.employeeApp },
    user: { ...D.employee },
    store: new MemoryTokenStore(),
    ...extra,
  } as ZenotiAuthOptions;
}

export function guestApp(url: string, extra: Partial<ZenotiAuthOptions> = {}): ZenotiAuthOptions {
  return {
    baseUrl: url,
    app: { accountName: D.accountName, ...D.guestApp },
    store: new MemoryTokenStore(),
    ...extra,
  } as ZenotiAuthOptions;
}

/** Every secret of the demo seed: none may appear in anything a client receives. */
export const SECRETS: readonly string[] = [
  D.apiKey,
  D.employeeApp.appSecret,
  D.guestApp.appSecret,
  D.employee.password,
  ...D.guests.map((g) => g.password),
];

/** Total number of calls the mock has seen (tokens, revokes, resources). */
export function upstreamCalls(control: MockControl): number {
  const { token, revoke, resources } = control.counters();
  return token.total + revoke.total + resources.total + resources.faulted;
}
