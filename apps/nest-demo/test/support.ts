import { MemoryTokenStore } from '@zenoti-auth/core';
import { DEMO_CREDENTIALS, type StartMockZenotiOptions, startMockZenoti } from '@zenoti-auth/mock-server';
import { afterEach } from 'vitest';
import { createNestDemo, type NestDemo, type NestDemoConfig, type NestDemoEnv } from '../src/demo.ts';

export const D = DEMO_CREDENTIALS;

/** A clock shared by the mock Zenoti and the engine, so tests move time instead of sleeping. */
export class TestClock {
  #t = Date.now();
  readonly now = (): number => this.#t;
  advance(ms: number): void {
    this.#t += ms;
  }
}

const running: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const close of running.splice(0).reverse()) await close();
});

export async function mockZenoti(options: StartMockZenotiOptions = {}) {
  const mock = await startMockZenoti({ rateLimit: false, ...options });
  running.push(() => mock.close());
  return mock;
}

/** Token-mode settings for the demo organisation's employee app and service user. */
export function tokenEnv(url: string, overrides: NestDemoEnv = {}): NestDemoEnv {
  return {
    ZENOTI_BASE_URL: url,
    ZENOTI_ACCOUNT_NAME: D.accountName,
    ZENOTI_APP_ID: D.employeeApp.appId,
    ZENOTI_APP_SECRET: D.employeeApp.appSecret,
    ZENOTI_USERNAME: D.employee.username,
    ZENOTI_PASSWORD: D.employee.password,
    ...overrides,
  };
}

/** Boots the demo on 127.0.0.1:0 with a private token store; closed after the test. */
export async function demo(env: NestDemoEnv, zenoti: NestDemoConfig['zenoti'] = {}): Promise<NestDemo> {
  const app = await createNestDemo({ env, port: 0, zenoti: { store: new MemoryTokenStore(), ...zenoti } });
  running.push(() => app.close());
  return app;
}

/** Every secret of the demo seed: none may appear in any response. */
export const SECRETS: readonly string[] = [
  D.apiKey,
  D.employeeApp.appSecret,
  D.guestApp.appSecret,
  D.employee.password,
  ...D.guests.map((g) => g.password),
];

export interface Answer {
  status: number;
  body: unknown;
  raw: string;
}

/** GET a demo path; checks that neither headers nor body carry a secret or a token. */
export async function get(base: string, path: string): Promise<Answer> {
  const res = await fetch(`${base}${path}`);
  const raw = await res.text();
  const headers = JSON.stringify([...res.headers]);
  for (const text of [raw, headers]) {
    for (const secret of SECRETS) {
      if (text.includes(secret)) throw new Error(`a secret leaked in GET ${path}`);
    }
    // The mock's access and refresh tokens start with "AN:<account>|".
    if (text.includes('AN:')) throw new Error(`a token leaked in GET ${path}`);
  }
  return { status: res.status, body: JSON.parse(raw), raw };
}
