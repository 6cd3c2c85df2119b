import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { distFile } from './dist.ts';

const EXPECTED_EXPORTS = [
  'DEMO_CREDENTIALS',
  'DEMO_SEED',
  'LOCKED_MESSAGE',
  'createMockZenotiApp',
  'parseDuration',
  'startMockZenoti',
];

describe('built package', () => {
  it('require()s dist/index.cjs with exactly the public exports', () => {
    const cjs = createRequire(import.meta.url)(distFile('index.cjs')) as Record<string, unknown>;
    expect(Object.keys(cjs).sort()).toEqual(EXPECTED_EXPORTS);
  });

  it('import()s dist/index.mjs with exactly the public exports, and it serves', async () => {
    const esm = (await import(pathToFileURL(distFile('index.mjs')).href)) as typeof import('../src/index.ts');
    expect(Object.keys(esm).sort()).toEqual(EXPECTED_EXPORTS);
    const mock = await esm.startMockZenoti();
    try {
      const res = await fetch(`${mock.url}/v1/centers`, {
        headers: { authorization: `apikey ${esm.DEMO_CREDENTIALS.apiKey}` },
      });
      expect(res.status).toBe(200);
    } finally {
      await mock.close();
    }
  });

  it('ships type declarations for both formats and a CLI with a shebang', () => {
    expect(readFileSync(distFile('index.d.mts'), 'utf8')).toContain('startMockZenoti');
    expect(readFileSync(distFile('index.d.cts'), 'utf8')).toContain('createMockZenotiApp');
    expect(readFileSync(distFile('cli.mjs'), 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
  });

  it('links `zenoti-mock` to a committed bin file (no dist path: pnpm links bins before builds) that runs the CLI', () => {
    const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    expect(manifest.bin).toEqual({ 'zenoti-mock': './bin/zenoti-mock.mjs' });
    expect(manifest.files).toContain('bin');
    const bin = fileURLToPath(new URL('../bin/zenoti-mock.mjs', import.meta.url));
    expect(readFileSync(bin, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    const help = execFileSync(process.execPath, [bin, '--help'], { encoding: 'utf8' });
    expect(help).toContain('Usage: zenoti-mock [options]');
  });
});
