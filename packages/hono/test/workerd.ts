import { packageTestWorker, startWorkerd as start, type Workerd } from '@zenoti-auth/test-support/workerd';

export type { Workerd };

/**
 * Serves test/workers/worker.ts (hono, @zenoti-auth/core and this package's built dist) in workerd
 * with text bindings; answers once the worker's /health does (see `startWorkerd` in test-support).
 */
export function startWorkerd(bindings: Record<string, string>): Promise<Workerd> {
  return start({
    bundle: packageTestWorker(import.meta.url, '@zenoti-auth/hono'),
    services: [{ name: 'main', bindings }],
    healthPath: '/health',
  });
}
