import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/** The export list of the built entry, checked in: a change here is a change of the public API. */
const EXPORTS = ['DurableObjectRateBudget', 'DurableObjectTokenStore', 'ZenotiAuthObject'];

const dist = (file: string): string => fileURLToPath(new URL(`../dist/${file}`, import.meta.url));
const require = createRequire(import.meta.url);

describe('built package', () => {
  it('has the same, expected exports as ESM and as CJS', async () => {
    const manifest = JSON.parse(
      readFileSync(fileURLToPath(new URL('../package.json', import.meta.url)), 'utf8'),
    );
    expect(Object.keys(manifest.exports)).toEqual(['.', './package.json']);
    expect(Object.keys(await import(dist('index.mjs'))).sort()).toEqual(EXPORTS);
    expect(Object.keys(require(dist('index.cjs'))).sort()).toEqual(EXPORTS);
  });

  it('imports nothing but @zenoti-auth/core (and its /rate-budget, /shared-store): no cloudflare:workers, no node:, no Workers types at run time', () => {
    for (const file of ['index.mjs', 'index.cjs']) {
      const code = readFileSync(dist(file), 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/^\s*\/\/.*$/gm, '');
      const imported = [...code.matchAll(/(?:from\s+|require\()\s*["']([^"']+)["']/g)].map((m) => m[1]);
      expect([...new Set(imported)].sort()).toEqual([
        '@zenoti-auth/core',
        '@zenoti-auth/core/rate-budget',
        '@zenoti-auth/core/shared-store',
      ]);
      expect(code).not.toMatch(/\b(Buffer|process)\./);
    }
  });

  it("throws core's ZenotiAuthError, from the same module system, in both formats", async () => {
    for (const [cloudflare, core] of [
      [await import(dist('index.mjs')), await import('@zenoti-auth/core')],
      [require(dist('index.cjs')), require('@zenoti-auth/core')],
    ]) {
      expect(() => new cloudflare.DurableObjectTokenStore({})).toThrow(core.ZenotiAuthError);
    }
  });

  it('reports its min+gzip size', () => {
    const output = execFileSync(
      process.execPath,
      [fileURLToPath(new URL('../../../scripts/size.mjs', import.meta.url)), 'cloudflare', '--json'],
      { encoding: 'utf8' },
    );
    const [result] = JSON.parse(output) as Array<{ package: string; gzip: number; budget: number | null }>;
    console.log(`@zenoti-auth/cloudflare ESM min+gzip: ${result?.gzip} bytes (budget ${result?.budget})`);
    expect(result?.package).toBe('@zenoti-auth/cloudflare');
    expect(result?.gzip).toBeLessThanOrEqual(result?.budget ?? 0);
  });
});
