import {
  DEMO_CREDENTIALS,
  type MockControl,
  type StartMockZenotiOptions,
  startMockZenoti,
} from '@zenoti-auth/mock-server';
import { afterEach } from 'vitest';
import { MemoryTokenStore, type ZenotiAuthEvent, type ZenotiAuthOptions } from '../src/index.ts';

export const D = DEMO_CREDENTIALS;

/** A clock shared by the mock Zenoti and the engine, so tests move time instead of sleeping. */
export class TestClock {
  #t = Date.now();
  readonly now = (): number => this.#t;
  advance(ms: number): void {
    this.#t += ms;
  }
}

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

/** Options for the demo employee app + service user against `url`, with a private store. */
export function serviceUser(url: string, extra: Partial<ZenotiAuthOptions> = {}): ZenotiAuthOptions {
  return {
    baseUrl: url,
    app: { accountName: D.accountName, ...D.employeeApp },
    user: { ...D.employee },
    store: new MemoryTokenStore(),
    ...extra,
  } as ZenotiAuthOptions;
}

/** Options for the demo guest app (end-user logins only). */
export function guestApp(url: string, extra: Partial<ZenotiAuthOptions> = {}): ZenotiAuthOptions {
  return {
    baseUrl: url,
    app: { accountName: D.accountName, ...D.guestApp },
    store: new MemoryTokenStore(),
    ...extra,
  } as ZenotiAuthOptions;
}

/** Collects every event an engine emits. */
export function recorder(): { events: ZenotiAuthEvent[]; onEvent: (event: ZenotiAuthEvent) => void } {
  const events: ZenotiAuthEvent[] = [];
  return { events, onEvent: (event) => events.push(event) };
}

export function tokenCalls(control: MockControl): number {
  return control.counters().token.total;
}

/** Settles every promise and returns the outcomes. */
export async function settle<T>(promises: Array<Promise<T>>): Promise<Array<PromiseSettledResult<T>>> {
  return Promise.allSettled(promises);
}
