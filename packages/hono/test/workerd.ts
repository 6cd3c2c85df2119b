import { fileURLToPath } from 'node:url';
import { serveFromTempDir, serveWorker, type Workerd } from '@zenoti-auth/test-support/workerd';
import { build } from 'esbuild';

export type { Workerd };

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

/** Bundles test/workers/worker.ts for workerd: hono, @zenoti-auth/core and the built dist of this package. */
export async function bundleWorker(outfile: string): Promise<void> {
  await build({
    entryPoints: [here('./workers/worker.ts')],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    conditions: ['workerd', 'worker', 'browser'],
    mainFields: ['module', 'main'],
    alias: { '@zenoti-auth/hono': here('../dist/index.mjs') },
    logLevel: 'silent',
  });
}

/**
 * Starts `workerd serve` with the bundled worker and text bindings, in a temporary directory removed
 * on close; answers once the worker's /health does (see `serveWorker`).
 */
export async function startWorkerd(bindings: Record<string, string>): Promise<Workerd> {
  return serveFromTempDir('zenoti-hono-workerd-', bundleWorker, (dir) =>
    serveWorker(dir, bindings, {
      workerd: here('../node_modules/workerd/bin/workerd'),
      healthPath: '/health',
    }),
  );
}
