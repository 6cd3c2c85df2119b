import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveWorker, type Workerd } from '@zenoti-auth/test-support/workerd';
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
  const dir = mkdtempSync(join(tmpdir(), 'zenoti-otel-workerd-'));
  const removeDir = (): void => rmSync(dir, { recursive: true, force: true });
  try {
    await bundleWorker(join(dir, 'worker.js'));
    const worker = await serveWorker(dir, bindings, {
      workerd: here('../node_modules/workerd/bin/workerd'),
      healthPath: '/health',
    });
    return {
      ...worker,
      close: async () => {
        await worker.close();
        removeDir();
      },
    };
  } catch (error) {
    removeDir();
    throw error;
  }
}
