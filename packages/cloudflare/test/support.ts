import { D, serviceUserEnv, testResources } from '@zenoti-auth/test-support';
import { startFleet, type Workerd } from './workerd.ts';

export { D };

const opened = testResources({ order: 'newest-first', ignoreErrors: true });
export const onCleanup = opened.onCleanup;

/** A mock Zenoti on a free loopback port, closed after the test. Rate limit off unless asked for. */
export const zenoti = opened.zenoti;

/** A workerd fleet (see `startFleet`), closed after the test. */
export async function fleet(
  members: Record<string, Record<string, string>>,
  objectsBindings?: Record<string, string>,
): Promise<Workerd> {
  return opened.closeAfterTest(await startFleet(members, objectsBindings));
}

/** The bindings of a fleet member that calls the mock at `url` as the demo service user. */
export function memberBindings(url: string, extra: Record<string, string> = {}): Record<string, string> {
  return serviceUserEnv(url, { STORE: 'durable', ...extra });
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** GET `url` (bounded by 20 s): its status and JSON body. */
export async function get<T = Record<string, unknown>>(url: string): Promise<{ status: number; body: T }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(20_000) });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON: kept as text.
  }
  return { status: res.status, body: body as T };
}
