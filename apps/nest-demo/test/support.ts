import { MemoryTokenStore } from '@zenoti-auth/core';
import { D, DEMO_GUEST_PASSWORDS, DEMO_ORG_SECRETS, testResources } from '@zenoti-auth/test-support';
import { createNestDemo, type NestDemo, type NestDemoConfig, type NestDemoEnv } from '../src/demo.ts';

export { TestClock } from '@zenoti-auth/test-support';
export { D };

// Closed one by one, newest first: the demo app before the mock Zenoti it calls.
const opened = testResources({ order: 'newest-first' });

/** A mock Zenoti on a free loopback port, closed after the test. Rate limit off unless asked for. */
export const mockZenoti = opened.zenoti;

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
  return opened.closeAfterTest(app);
}

/** Every secret of the demo seed: none may appear in any response. */
export const SECRETS: readonly string[] = [...DEMO_ORG_SECRETS, ...DEMO_GUEST_PASSWORDS];

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
