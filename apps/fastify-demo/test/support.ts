import type { MockControl } from '@zenoti-auth/mock-server';
import { D, testResources, WatchedStore } from '@zenoti-auth/test-support';
import { createDemoApp } from '../src/app.ts';
import type { DemoConfig } from '../src/config.ts';

export { D, WatchedStore };
export const SESSION_SECRET = 'fastify-demo-test-session-secret-0123456789';

/** Everything a test opened (the mock Zenoti, the demo server), closed together after it. */
const opened = testResources();

export interface Demo {
  url: string;
  control: MockControl;
  store: WatchedStore;
}

/** The demo on 127.0.0.1 and a free port (real HTTP), against a mock Zenoti; both closed after the test. */
export async function startDemo(): Promise<Demo> {
  const mock = await opened.zenoti();
  const store = new WatchedStore();
  const config: DemoConfig = {
    zenoti: { baseUrl: mock.url, apiKey: D.apiKey, guestApp: { accountName: D.accountName, ...D.guestApp } },
    sessionSecret: SESSION_SECRET,
    secureCookies: false,
    store,
  };
  const app = opened.closeAfterTest(await createDemoApp(config));
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return { url, control: mock.control, store };
}

/** Every secret the browser must never receive (the guest's password is checked separately). */
export function serverSecrets(store: WatchedStore): string[] {
  return [
    D.apiKey,
    D.guestApp.appSecret,
    D.employeeApp.appSecret,
    D.employee.password,
    SESSION_SECRET,
    ...store.tokens(),
  ];
}
