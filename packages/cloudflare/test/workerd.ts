import {
  packageTestWorker,
  sharingObjects,
  startWorkerd,
  type Workerd,
} from '@zenoti-auth/test-support/workerd';

export type { Workerd };

/** The exported Durable Object class and the name the test workers bind it under. */
export const OBJECT = { className: 'ZenotiAuthObject', binding: 'ZENOTI_AUTH' } as const;

/**
 * Starts one workerd with the service `objects` (it defines the `ZenotiAuthObject` namespace and
 * serves the store bridge) and `members` (each its own isolate, bound to that namespace), all
 * running test/workers/worker.ts (hono and the built dist of @zenoti-auth/*, this package's too).
 */
export function startFleet(
  members: Record<string, Record<string, string>>,
  objectsBindings: Record<string, string> = {},
): Promise<Workerd> {
  return startWorkerd({
    bundle: packageTestWorker(import.meta.url, '@zenoti-auth/cloudflare'),
    services: sharingObjects(
      OBJECT,
      { name: 'objects', bindings: { STORE: 'durable', ...objectsBindings } },
      Object.entries(members).map(([name, bindings]) => ({ name, bindings })),
    ),
    healthPath: '/health',
  });
}
