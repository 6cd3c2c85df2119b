import { fileURLToPath } from 'node:url';
import { minGzip, packageDirs, packageSizes } from '../../scripts/size-lib.mjs';
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
    // Every entry of every package with a budget (`budgetOf`: 2.5 kB unless named otherwise).
    for (const dir of packageDirs(root)) {
      for (const row of await packageSizes(root, dir)) {
        if (row.budget === null) continue;
        const base = dir === 'axios' ? refresh : bearer;
        results.push({
          id: 7,
          name: `${row.name} ESM entry`,
          unit: 'bytes',
          value: row.gzip,
          baselineName: dir === 'axios' ? 'axios-auth-refresh' : 'hono/bearer-auth',
          baseline: base,
          ratio: row.gzip / base,
          target: `≤ ${row.budget / 1000} kB`,
          pass: row.gzip <= row.budget,
          notes: [],
        });
      }
    }
    return results;
  },
};
