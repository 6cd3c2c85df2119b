// Helpers the packages' and apps' tests share. Each test/support.ts re-exports what it needs and keeps
// what is its own. @zenoti-auth/core here is the built package (dist): core's own tests do not use
// this package, since they exercise core's sources.
import { MemoryTokenStore, type TokenSet, type ZenotiAuthOptions } from '@zenoti-auth/core';
import {
  DEMO_CREDENTIALS,
  type MockControl,
  type RunningMockZenoti,
  type StartMockZenotiOptions,
  startMockZenoti,
} from '@zenoti-auth/mock-server';
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

// ── what a test opened, closed after it ──────────────────────────────────────────────────────────

export interface CleanupOptions {
  /**
   * `together` (default): every cleanup at once. `newest-first`: one after the other, the most recently
   * registered first — e.g. an app (whose shutdown hooks may still call Zenoti) before its mock Zenoti.
   */
  order?: 'together' | 'newest-first';
  /** Swallow a failing cleanup, so that it cannot hide the test's own result. @default false */
  ignoreErrors?: boolean;
}

export interface Zenoti {
  url: string;
  control: MockControl;
}

export interface TestResources {
  /** Runs `cleanup` after the current test. */
  onCleanup(cleanup: () => Promise<unknown>): void;
  /** Closes `thing` after the current test; returns it. */
  closeAfterTest<T extends { close(): Promise<unknown> }>(thing: T): T;
  /** A mock Zenoti on a free loopback port, closed after the test. Rate limit off unless asked for. */
  zenoti(options?: StartMockZenotiOptions): Promise<RunningMockZenoti>;
}

/**
 * A registry of things to close after each test (an `afterEach` of the test file that imports it), and
 * a mock Zenoti that uses it. Call it once, at the top level of a test/support.ts.
 */
export function testResources({
  order = 'together',
  ignoreErrors = false,
}: CleanupOptions = {}): TestResources {
  const cleanups: Array<() => Promise<unknown>> = [];
  const run = async (cleanup: () => Promise<unknown>): Promise<unknown> => {
    if (!ignoreErrors) return cleanup();
    try {
      return await cleanup();
    } catch {
      // Best effort: one failed cleanup must not hide the test's own result.
    }
  };
  afterEach(async () => {
    const due = cleanups.splice(0);
    if (order === 'together') {
      await Promise.all(due.map(run));
      return;
    }
    for (const cleanup of due.reverse()) await run(cleanup);
  });
  const onCleanup = (cleanup: () => Promise<unknown>): void => {
    cleanups.push(cleanup);
  };
  const closeAfterTest = <T extends { close(): Promise<unknown> }>(thing: T): T => {
    onCleanup(() => thing.close());
    return thing;
  };
  const zenoti = async (options: StartMockZenotiOptions = {}): Promise<RunningMockZenoti> =>
    closeAfterTest(await startMockZenoti({ rateLimit: false, ...options }));
  return { onCleanup, closeAfterTest, zenoti };
}

// ── engine options ───────────────────────────────────────────────────────────────────────────────

/** The demo employee app + service user against `url`, without a store (the caller brings one). */
export function serviceUserLogin(url: string): Partial<ZenotiAuthOptions> {
  return { baseUrl: url, app: { accountName: D.accountName, ...D.employeeApp }, user: { ...D.employee } };
}

/** Options for the demo employee app + service user against `url`, with a private token store. */
/**
 * The demo service user as the `ZENOTI_*` variables core's `zenotiOptionsFromEnv` reads (a
 * deployment's .env, a worker's bindings), for the mock at `url`; `extra` adds or replaces some.
 */
export function serviceUserEnv(url: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    ZENOTI_BASE_URL: url,
    ZENOTI_ACCOUNT_NAME: D.accountName,
    ZENOTI_APP_ID: D.employeeApp.appId,
    ZENOTI_APP_SECRET: D.employeeApp.appSecret,
    ZENOTI_USERNAME: D.employee.username,
    ZENOTI_PASSWORD: D.employee.password,
    ...extra,
  };
}

export function serviceUser(url: string, extra: Partial<ZenotiAuthOptions> = {}): ZenotiAuthOptions {
  return { ...serviceUserLogin(url), store: new MemoryTokenStore(), ...extra } as ZenotiAuthOptions;
}

/** Options for the `other` organisation's employee app + service user, with a private token store. */
export function otherServiceUser(url: string, extra: Partial<ZenotiAuthOptions> = {}): ZenotiAuthOptions {
  return {
    baseUrl: url,
    app: { accountName: D.other.accountName, ...D.other.employeeApp },
    user: { ...D.other.employee },
    store: new MemoryTokenStore(),
    ...extra,
  } as ZenotiAuthOptions;
}

/** Options for the demo guest app (end-user logins only), with a private token store. */
export function guestApp(url: string, extra: Partial<ZenotiAuthOptions> = {}): ZenotiAuthOptions {
  return {
    baseUrl: url,
    app: { accountName: D.accountName, ...D.guestApp },
    store: new MemoryTokenStore(),
    ...extra,
  } as ZenotiAuthOptions;
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

// ── secrets and failures ─────────────────────────────────────────────────────────────────────────

/** The demo organisation's server-side secrets: API key, both app secrets, the employee's password. */
export const DEMO_ORG_SECRETS: readonly string[] = [
  D.apiKey,
  D.employeeApp.appSecret,
  D.guestApp.appSecret,
  D.employee.password,
];

/** The demo guests' passwords. */
export const DEMO_GUEST_PASSWORDS: readonly string[] = D.guests.map((g) => g.password);

/** The `other` organisation's secrets: API key, employee app secret, the employee's password. */
export const OTHER_ORG_SECRETS: readonly string[] = [
  D.other.apiKey,
  D.other.employeeApp.appSecret,
  D.other.employee.password,
];

/** The error `promise` rejects with (fails the test if it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}
