import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveWorker, type Workerd } from '@zenoti-auth/test-support/workerd';
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
  const dir = mkdtempSync(join(tmpdir(), 'zenoti-hono-workerd-'));
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
