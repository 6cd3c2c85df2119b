import { fileURLToPath } from 'node:url';
import { serveFromTempDir, serveWorker, type Workerd } from '@zenoti-auth/test-support/workerd';
import { build } from 'esbuild';

export type { Workerd };

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

/** Bundles test/workers/worker.ts for workerd: the OTel SDK, @zenoti-auth/core and the built dist of this package. */
async function bundleWorker(outfile: string): Promise<void> {
  await build({
    entryPoints: [here('./workers/worker.ts')],
    outfile,
    bundle: true,
    format: 'esm',
    // The SDK's packages map their Node files to browser ones in `browser`: esbuild reads it on
    // the browser platform. Workers run the browser builds (no `os`, `util` or `crypto` module).
    platform: 'browser',
    target: 'es2022',
    conditions: ['workerd', 'worker', 'browser'],
    alias: { '@zenoti-auth/opentelemetry': here('../dist/index.mjs') },
    logLevel: 'silent',
  });
}

/** Starts `workerd serve` with the bundled worker, in a temporary directory removed on close. */
export async function startWorkerd(bindings: Record<string, string>): Promise<Workerd> {
  return serveFromTempDir('zenoti-otel-workerd-', bundleWorker, (dir) =>
    serveWorker(dir, bindings, {
      workerd: here('../node_modules/workerd/bin/workerd'),
      healthPath: '/health',
    }),
  );
}
