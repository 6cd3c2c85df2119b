// The README's demo command installs the workspace first (`pnpm install --frozen-lockfile`): what the
// lockfile holds, every user downloads before the tour starts. Bun and Deno (~200 MB of binaries) are
// only for CI's runtime check, which fetches them with npx (tools/runtime-check/run.mjs).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const lockfile = readFileSync(new URL('../../../pnpm-lock.yaml', import.meta.url), 'utf8');
const rootManifest = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
  devDependencies?: Record<string, string>;
  dependencies?: Record<string, string>;
};

/** Runtimes (and their per-platform binary packages) that only CI runs. */
const CI_ONLY = /^ {2}'?(bun|deno|@oven\/bun-[\w-]+|@deno\/[\w-]+)@/gm;

describe('the install before the demo', () => {
  it('fetches no CI-only runtime (bun, deno): none in the lockfile, none in the root manifest', () => {
    expect([...lockfile.matchAll(CI_ONLY)].map((m) => m[1])).toEqual([]);
    const root = { ...rootManifest.dependencies, ...rootManifest.devDependencies };
    expect(Object.keys(root).filter((name) => name === 'bun' || name === 'deno')).toEqual([]);
  });
});
