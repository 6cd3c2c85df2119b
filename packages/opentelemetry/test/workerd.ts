import { packageTestWorker, startWorkerd as start, type Workerd } from '@zenoti-auth/test-support/workerd';

export type { Workerd };

/**
 * Serves test/workers/worker.ts (the OTel SDK, @zenoti-auth/core and this package's built dist) in
 * workerd with text bindings; answers once the worker's /health does. The SDK's packages map their
 * Node files to browser ones: Workers run the browser builds (no `os`, `util` or `crypto` module).
 */
export function startWorkerd(bindings: Record<string, string>): Promise<Workerd> {
  return start({
    bundle: packageTestWorker(import.meta.url, '@zenoti-auth/opentelemetry', 'browser'),
    services: [{ name: 'main', bindings }],
    healthPath: '/health',
  });
}
