#!/usr/bin/env node
// Prints the min+gzip size of every ESM entry of each published package, frameworks and peers external.
// Usage: node scripts/size.mjs [package-dir-name …] [--json] [--check]
//   --check  exits 1 when an entry is over its package's budget (scripts/size-lib.mjs `budgets`)
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { budgets, packageSizes } from './size-lib.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const names = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const dirs =
  names.length > 0
    ? names
    : readdirSync(join(root, 'packages')).filter((d) =>
        existsSync(join(root, 'packages', d, 'package.json')),
      );
const json = process.argv.includes('--json');
const check = process.argv.includes('--check');
const results = [];
for (const dir of dirs) {
  try {
    for (const row of await packageSizes(root, dir)) results.push({ ...row, budget: budgets[dir] ?? null });
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  }
}
if (json) console.log(JSON.stringify(results));
else
  for (const r of results)
    console.log(
      `${r.package}${r.entry === '.' ? '' : r.entry.slice(1)}: ${(r.minified / 1024).toFixed(2)} kB min, ${r.gzip} B min+gzip${r.budget ? ` (budget ${r.budget} B${r.gzip > r.budget ? ', OVER' : ''})` : ''}`,
    );
if (check && results.some((r) => r.budget && r.gzip > r.budget)) process.exitCode = 1;
