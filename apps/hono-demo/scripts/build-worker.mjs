#!/usr/bin/env node
// Bundles src/worker.ts for Cloudflare Workers (workerd): ESM, browser/worker conditions, no Node built-ins.
// Usage: node scripts/build-worker.mjs [outfile]   (default dist/worker.js)
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const outfile = process.argv[2] ?? `${root}dist/worker.js`;
await build({
  entryPoints: [`${root}src/worker.ts`],
  outfile,
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  conditions: ['workerd', 'worker', 'browser'],
  mainFields: ['module', 'main'],
  minify: true,
  logLevel: 'warning',
});
console.log(`hono-demo worker: ${outfile}`);
