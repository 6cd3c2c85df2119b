import { execFileSync } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BIN, cli } from './support.ts';

/** The export list of the built entry, checked in: a change here is a change of the public API. */
const EXPORTS = ['API_KEY_CHECK_PATH', 'DEFAULT_PREFIX', 'checkCredentials', 'readFleetStatus'];

const dist = (file: string): string => fileURLToPath(new URL(`../dist/${file}`, import.meta.url));
const require = createRequire(import.meta.url);
const manifest = JSON.parse(readFileSync(fileURLToPath(new URL('../package.json', import.meta.url)), 'utf8'));

describe('built package', () => {
  it('has the same, expected exports as ESM and as CJS; the command is a bin, not an export', async () => {
    expect(Object.keys(manifest.exports)).toEqual(['.', './package.json']);
    expect(manifest.bin).toEqual({ 'zenoti-auth': './bin/zenoti-auth.mjs' });
    const esm = await import(pathToFileURL(dist('index.mjs')).href);
    const cjs = require(dist('index.cjs'));
    expect(Object.keys(esm).sort()).toEqual(EXPORTS);
    expect(Object.keys(cjs).sort()).toEqual(EXPORTS);
  });

  it('loads ioredis only for status: no static import of it in any entry', () => {
    for (const file of ['index.mjs', 'index.cjs', 'cli.mjs']) {
      const code = readFileSync(dist(file), 'utf8');
      expect(code, file).not.toMatch(/(?:from\s+|require\()\s*["']ioredis["']/);
      expect(code, file).toMatch(/import\(\s*["']ioredis["']\s*\)/);
    }
  });

  it('runs as the installed command: an executable launcher with a node shebang', async () => {
    accessSync(BIN, constants.X_OK);
    expect(readFileSync(BIN, 'utf8')).toMatch(/^#!\/usr\/bin\/env node\n/);
    const run = await cli(['--version']);
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toBe(manifest.version);
  });

  it('reports its min+gzip size within its budget', () => {
    const script = fileURLToPath(new URL('../../../scripts/size.mjs', import.meta.url));
    const output = execFileSync(process.execPath, [script, 'cli', '--json'], { encoding: 'utf8' });
    const [result] = JSON.parse(output) as Array<{ package: string; gzip: number; budget: number | null }>;
    expect(result?.package).toBe('@zenoti-auth/cli');
    console.log(`@zenoti-auth/cli ESM min+gzip: ${result?.gzip} bytes (budget ${result?.budget})`);
    expect(result?.budget).toBeGreaterThan(0);
    expect(result?.gzip).toBeLessThanOrEqual(result?.budget ?? 0);
  });
});
