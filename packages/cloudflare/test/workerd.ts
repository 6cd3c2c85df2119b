import { fileURLToPath } from 'node:url';
import {
  serveFromTempDir,
  serveWorkers,
  type Workerd,
  type WorkerService,
} from '@zenoti-auth/test-support/workerd';
import { build } from 'esbuild';

export type { Workerd };

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

/** The exported Durable Object class and the name the test workers bind it under. */
export const OBJECT = { className: 'ZenotiAuthObject', binding: 'ZENOTI_AUTH' } as const;

/** Bundles test/workers/worker.ts for workerd: hono and the built dist of @zenoti-auth/* (this package's too). */
async function bundleWorker(outfile: string): Promise<void> {
  await build({
    entryPoints: [here('./workers/worker.ts')],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    conditions: ['workerd', 'worker', 'browser'],
    mainFields: ['module', 'main'],
    alias: { '@zenoti-auth/cloudflare': here('../dist/index.mjs') },
    logLevel: 'silent',
  });
}

/**
 * Starts one workerd with the service `objects` (it defines the `ZenotiAuthObject` namespace and
 * serves the store bridge) and `members` (each its own isolate, bound to that namespace), all
 * running the test worker, in a temporary directory removed on close.
 */
export async function startFleet(
  members: Record<string, Record<string, string>>,
  objectsBindings: Record<string, string> = {},
): Promise<Workerd> {
  const services: WorkerService[] = [
    { name: 'objects', bindings: { STORE: 'durable', ...objectsBindings }, defines: OBJECT },
    ...Object.entries(members).map(([name, bindings]) => ({
      name,
      bindings,
      binds: { ...OBJECT, serviceName: 'objects' },
    })),
  ];
  return serveFromTempDir('zenoti-cloudflare-workerd-', bundleWorker, (dir) =>
    serveWorkers(dir, services, {
      workerd: here('../node_modules/workerd/bin/workerd'),
      healthPath: '/health',
    }),
  );
}
