import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import type { Benchmark, BenchResult } from './harness.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

async function minGzip(entry: string, external: string[], resolveDir?: string): Promise<number> {
  const out = await build({
    ...(resolveDir
      ? { stdin: { contents: `export * from '${entry}';`, resolveDir, loader: 'js' } }
      : { entryPoints: [entry] }),
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'neutral',
    mainFields: ['module', 'main'],
    conditions: ['import', 'module', 'default'],
    write: false,
    external: [...external, ...external.map((e) => `${e}/*`), 'node:*'],
    logLevel: 'silent',
  });
  return gzipSync((out.outputFiles[0] as { contents: Uint8Array }).contents, { level: 9 }).length;
}

function externalsOf(pkgDir: string): string[] {
  const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
  return Object.keys({ ...pkg.dependencies, ...pkg.peerDependencies, ...pkg.optionalDependencies });
}

/** #7: min+gzip of each published package's ESM entry, frameworks external, against two well-known baselines. */
export const bundleSize: Benchmark = {
  id: 7,
  name: 'bundle size (min+gzip)',
  async run(): Promise<BenchResult[]> {
    const here = fileURLToPath(new URL('..', import.meta.url));
    const bearer = await minGzip('hono/bearer-auth', [], here);
    const refresh = await minGzip('axios-auth-refresh', ['axios'], here);
    const results: BenchResult[] = [];
    for (const [dir, limit] of [
      ['core', 6_000],
      ['axios', 2_000],
      ['hono', 2_000],
      ['nestjs', 2_000],
      ['redis', 2_000],
    ] as const) {
      const pkgDir = join(root, 'packages', dir);
      const entry = join(pkgDir, 'dist', 'index.mjs');
      if (!existsSync(entry)) continue;
      const bytes = await minGzip(entry, externalsOf(pkgDir));
      const base = dir === 'axios' ? refresh : bearer;
      results.push({
        id: 7,
        name: `@zenoti-auth/${dir} ESM entry`,
        unit: 'bytes',
        value: bytes,
        baselineName: dir === 'axios' ? 'axios-auth-refresh' : 'hono/bearer-auth',
        baseline: base,
        ratio: bytes / base,
        target: `≤ ${limit / 1000} kB`,
        pass: bytes <= limit,
        notes: [],
      });
    }
    return results;
  },
};
