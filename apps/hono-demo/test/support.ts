import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { MockControl } from '@zenoti-auth/mock-server';
import { D, testResources, WatchedStore } from '@zenoti-auth/test-support';
import { createDemoApp } from '../src/app.ts';
import type { DemoConfig } from '../src/config.ts';

export { D, WatchedStore };
export const SESSION_SECRET = 'hono-demo-test-session-secret-0123456789';

/** Everything a test opened (the mock Zenoti, the demo server), closed together after it. */
const opened = testResources();

export interface Demo {
  url: string;
  control: MockControl;
  store: WatchedStore;
  config: DemoConfig;
}

/** The mock Zenoti and the demo config that points at it (a fresh token store each time). */
export async function demoConfig(): Promise<Omit<Demo, 'url'>> {
  const mock = await opened.zenoti();
  const store = new WatchedStore();
  const config: DemoConfig = {
    zenoti: { baseUrl: mock.url, apiKey: D.apiKey, guestApp: { accountName: D.accountName, ...D.guestApp } },
    sessionSecret: SESSION_SECRET,
    secureCookies: false,
    store,
  };
  return { control: mock.control, store, config };
}

/** The demo served on 127.0.0.1 and a free port, with the mock Zenoti; both closed after the test. */
export async function startDemo(): Promise<Demo> {
  const { control, store, config } = await demoConfig();
  const app = createDemoApp(config);
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(s));
  });
  opened.onCleanup(
    () =>
      new Promise<void>((resolve) => {
        if ('closeAllConnections' in server) server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, control, store, config };
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
