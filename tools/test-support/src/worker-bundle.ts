import { build } from 'esbuild';

/** What a test serves in workerd, before bundling. */
export interface WorkerBundle {
  /** The worker's entry file, or its TypeScript source with the folder its imports resolve from. */
  entry: string | { source: string; resolveDir: string; sourcefile?: string };
  /** Imports mapped to a file: the package under test to its built `dist` (tests run what users get). */
  alias?: Record<string, string>;
  /**
   * `browser` for dependencies that map their Node files to browser ones in `browser` (esbuild
   * reads that field on the browser platform only): the OpenTelemetry SDK. @default 'neutral'
   */
  platform?: 'neutral' | 'browser';
}

/**
 * Bundles a worker for workerd as Cloudflare's tooling does: one ES module, the `workerd`, `worker`
 * and `browser` export conditions, no Node built-ins.
 */
export async function bundleWorker(bundle: WorkerBundle, outfile: string): Promise<void> {
  const { entry, alias = {}, platform = 'neutral' } = bundle;
  await build({
    ...(typeof entry === 'string'
      ? { entryPoints: [entry] }
      : {
          stdin: {
            contents: entry.source,
            loader: 'ts',
            resolveDir: entry.resolveDir,
            sourcefile: entry.sourcefile ?? 'worker.ts',
          },
        }),
    outfile,
    bundle: true,
    format: 'esm',
    platform,
    target: 'es2022',
    conditions: ['workerd', 'worker', 'browser'],
    // The neutral platform reads no `main` field by itself; the browser one reads `browser` first.
    ...(platform === 'neutral' ? { mainFields: ['module', 'main'] } : {}),
    alias,
    logLevel: 'silent',
  });
}
