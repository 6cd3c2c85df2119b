import { MemoryTokenStore, type ZenotiAuthOptions } from '@zenoti-auth/core';
import type { MockControl } from '@zenoti-auth/mock-server';
import { D, DEMO_GUEST_PASSWORDS, DEMO_ORG_SECRETS, testResources } from '@zenoti-auth/test-support';

export { D, guestApp, serviceUser, WatchedStore, type Zenoti } from '@zenoti-auth/test-support';

/** Everything a test opened (mock Zenotis, servers, processes), closed together after it. */
const opened = testResources();
export const zenoti = opened.zenoti;

/** Registers something to close after the current test (servers, processes). */
export function closeAfter(resource: { close(): Promise<void> }): void {
  opened.closeAfterTest(resource);
}

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
