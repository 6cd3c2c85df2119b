import { fileURLToPath } from 'node:url';
import { budgets, minGzip, packageSizes } from '../../scripts/size-lib.mjs';
import type { Benchmark, BenchResult } from './harness.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** #7: min+gzip of every ESM entry of each published package, frameworks external, against two well-known baselines. */
export const bundleSize: Benchmark = {
  id: 7,
  name: 'bundle size (min+gzip)',
  async run(): Promise<BenchResult[]> {
    const here = fileURLToPath(new URL('..', import.meta.url));
    const stdin = (entry: string) => ({
      contents: `export * from '${entry}';`,
      resolveDir: here,
      loader: 'js' as const,
    });
    const bearer = (await minGzip('', [], stdin('hono/bearer-auth'))).gzip;
    const refresh = (await minGzip('', ['axios'], stdin('axios-auth-refresh'))).gzip;
    const results: BenchResult[] = [];
    for (const [dir, limit] of Object.entries(budgets)) {
      for (const row of await packageSizes(root, dir)) {
        const base = dir === 'axios' ? refresh : bearer;
        results.push({
          id: 7,
          name: `${row.package}${row.entry === '.' ? '' : row.entry.slice(1)} ESM entry`,
          unit: 'bytes',
          value: row.gzip,
          baselineName: dir === 'axios' ? 'axios-auth-refresh' : 'hono/bearer-auth',
          baseline: base,
          ratio: row.gzip / base,
          target: `≤ ${limit / 1000} kB`,
          pass: row.gzip <= limit,
          notes: [],
        });
      }
    }
    return results;
  },
};
