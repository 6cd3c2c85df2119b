#!/usr/bin/env node
// Prints the min+gzip size of each published package's ESM entry, frameworks and peers external.
// Usage: node scripts/size.mjs [package-dir-name …]   (default: every package with dist/index.mjs)
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const names = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const dirs = names.length > 0 ? names : readdirSync(join(root, 'packages'));
const json = process.argv.includes('--json');
const results = [];
for (const dir of dirs) {
  const pkgDir = join(root, 'packages', dir);
  const entry = join(pkgDir, 'dist', 'index.mjs');
  if (!existsSync(entry)) {
    console.error(`size: ${dir}: no dist/index.mjs (run the build first)`);
    process.exitCode = 1;
    continue;
  }
  const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
  const external = Object.keys({ ...pkg.dependencies, ...pkg.peerDependencies, ...pkg.optionalDependencies });
  const out = await build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'neutral',
    write: false,
    external: [...external, ...external.map((e) => `${e}/*`), 'node:*'],
    logLevel: 'silent',
  });
  const code = out.outputFiles[0].contents;
  results.push({ package: pkg.name, minified: code.length, gzip: gzipSync(code, { level: 9 }).length });
}
if (json) console.log(JSON.stringify(results));
else
  for (const r of results)
    console.log(
      `${r.package}: ${(r.minified / 1024).toFixed(2)} kB min, ${(r.gzip / 1024).toFixed(2)} kB min+gzip`,
    );
