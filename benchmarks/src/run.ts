/**
 * Runs the benchmarks and prints one table of ratios against baselines measured in the same run.
 *   pnpm bench            every benchmark
 *   pnpm bench 3 7        only #3 and #7
 * Writes RESULTS.md (date, Node version, command, table) when every selected benchmark ran.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { axiosThroughput } from './axios-throughput.ts';
import { bundleSize } from './bundle-size.ts';
import { cachedAuthorization } from './cached-authorization.ts';
import { expressThroughput } from './express-throughput.ts';
import { failover } from './failover.ts';
import { fastifyThroughput } from './fastify-throughput.ts';
import { fleet } from './fleet.ts';
import { type Benchmark, type BenchResult, fmt, spread } from './harness.ts';
import { honoThroughput } from './hono-throughput.ts';
import { memory } from './memory.ts';
import { permitCost } from './permit-cost.ts';
import { proxyThroughput } from './proxy-throughput.ts';
import { rateFleet } from './rate-fleet.ts';
import { replicaWait } from './replica-wait.ts';
import { stampede } from './stampede.ts';
import { telemetryCost } from './telemetry-cost.ts';

/** Heading of the hand-kept part of RESULTS.md, which a run keeps as it is. */
const HISTORY = '## Before and after';

const all: Benchmark[] = [
  honoThroughput,
  axiosThroughput,
  cachedAuthorization,
  stampede,
  fleet,
  memory,
  bundleSize,
  proxyThroughput,
  rateFleet,
  permitCost,
  failover,
  replicaWait,
  telemetryCost,
  expressThroughput,
  fastifyThroughput,
].sort((a, b) => a.id - b.id);
const wanted = process.argv.slice(2).map(Number).filter(Number.isInteger);
const selected = wanted.length ? all.filter((b) => wanted.includes(b.id)) : all;

const results: BenchResult[] = [];
const failures: string[] = [];
for (const bench of selected) {
  process.stderr.write(`running #${bench.id} ${bench.name}…\n`);
  try {
    const out = await bench.run();
    results.push(...(Array.isArray(out) ? out : [out]));
  } catch (error) {
    failures.push(`#${bench.id} ${bench.name}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

const rows = [
  ['#', 'benchmark', 'value', 'baseline (same run)', 'ratio', 'target', 'result'],
  ...results.map((r) => [
    String(r.id),
    r.name,
    `${fmt(r.value)} ${r.unit}`,
    `${r.baselineName}: ${fmt(r.baseline)} ${r.unit}`,
    `${fmt(r.ratio, 3)}×${r.aa ? ` (A/A ${spread(r.aa)})` : ''}`,
    r.target,
    r.pass ? 'PASS' : 'MISS',
  ]),
];
const table = rows.map((row) => `| ${row.join(' | ')} |`);
table.splice(1, 0, `|${rows[0]?.map(() => '---').join('|')}|`);
const notes = results.flatMap((r) => r.notes);
console.log(table.join('\n'));
if (notes.length) console.log(`\n${notes.join('\n')}`);
for (const failure of failures) console.error(`could not run ${failure}`);

if (failures.length === 0) {
  const file = fileURLToPath(new URL('../RESULTS.md', import.meta.url));
  // The hand-kept history (fixes made for missed targets, with before/after figures) survives every run.
  const previous = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const history = previous.includes(HISTORY) ? previous.slice(previous.indexOf(HISTORY)) : '';
  const command = `pnpm bench${wanted.length ? ` ${wanted.join(' ')}` : ''}`;
  writeFileSync(
    file,
    [
      '# Benchmark results',
      '',
      `- date: ${new Date().toISOString()}`,
      `- node: ${process.version} (${process.platform} ${process.arch})`,
      `- command: \`${command}\``,
      '',
      ...table,
      '',
      ...notes.map((n) => `- ${n}`),
      '',
      ...(history ? [history.trimEnd(), ''] : []),
    ].join('\n'),
  );
}
process.exitCode = failures.length ? 1 : 0;
