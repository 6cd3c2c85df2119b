#!/usr/bin/env node
// Prints the min+gzip size of every ESM entry of each published package, frameworks and peers external.
// Usage: node scripts/size.mjs [package-dir-name …] [--json] [--check]
//   --check  exits 1 when an entry is over its budget (`budgetOf` in scripts/size-lib.mjs)
import { fileURLToPath } from 'node:url';
import { packageDirs, packageSizes } from './size-lib.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const names = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const dirs = names.length > 0 ? names : packageDirs(root);
const json = process.argv.includes('--json');
const check = process.argv.includes('--check');
const results = [];
for (const dir of dirs) {
  try {
    results.push(...(await packageSizes(root, dir)));
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  }
}
const over = (r) => r.budget !== null && r.gzip > r.budget;
if (json) console.log(JSON.stringify(results));
else
  for (const r of results)
    console.log(
      `${r.name}: ${(r.minified / 1024).toFixed(2)} kB min, ${r.gzip} B min+gzip${r.budget === null ? '' : ` (budget ${r.budget} B${over(r) ? ', OVER' : ''})`}`,
    );
if (check && results.some(over)) process.exitCode = 1;
