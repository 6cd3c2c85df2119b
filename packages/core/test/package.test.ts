import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const dist = (file: string): string => fileURLToPath(new URL(`../dist/${file}`, import.meta.url));

const EXPORTS = [
  'DEFAULTS',
  'DEFAULT_BASE_URL',
  'FINAL_TOKEN_ERROR_CODES',
  'MemoryRateBudget',
  'MemoryTokenStore',
  'WarningRoute',
  'ZENOTI_ENV',
  'ZenotiAuth',
  'ZenotiAuthError',
  'callInfo',
  'checkGuard',
  'defaultTokenStore',
  'formatAuthorization',
  'instrument',
  'instrumentation',
  'invalidOption',
  'isLoopbackHost',
  'isZenotiAuth',
  'isZenotiAuthError',
  'onCloudflareWorkers',
  'parseAuthorization',
  'parseZenotiDate',
  'readRateReport',
  'redact',
  'redactAuthorization',
  'zenotiOptionsFromEnv',
];

describe('built package', () => {
  it('has an ESM and a CJS entry with the same, expected exports', async () => {
    const esm = await import(dist('index.mjs'));
    const cjs = createRequire(import.meta.url)(dist('index.cjs'));
    expect(Object.keys(esm).sort()).toEqual(EXPORTS);
    expect(Object.keys(cjs).sort()).toEqual(EXPORTS);
  });

  it('recognises an engine made by the other copy (ESM ↔ CJS), and nothing else', async () => {
    const esm = await import(dist('index.mjs'));
    const cjs = createRequire(import.meta.url)(dist('index.cjs'));
    const fromEsm = new esm.ZenotiAuth({ apiKey: 'k'.repeat(64) });
    const fromCjs = new cjs.ZenotiAuth({ apiKey: 'k'.repeat(64) });
    expect(cjs.isZenotiAuth(fromEsm)).toBe(true);
    expect(esm.isZenotiAuth(fromCjs)).toBe(true);
    for (const other of [null, undefined, {}, { authorization: () => 'x' }, 'engine'])
      expect(esm.isZenotiAuth(other)).toBe(false);
  });

  it('has a /http entry (ESM and CJS) with the error contract', async () => {
    const esm = await import(dist('http.mjs'));
    const cjs = createRequire(import.meta.url)(dist('http.cjs'));
    for (const entry of [esm, cjs]) {
      expect(Object.keys(entry).sort()).toEqual(['ERROR_ANSWERS', 'httpAnswerOf']);
      expect(entry.httpAnswerOf({ code: 'TIMEOUT' }).status).toBe(504);
    }
  });

  it("has an /encryption entry (ESM and CJS) whose errors are the main entry's ZenotiAuthError", async () => {
    const require = createRequire(import.meta.url);
    const esm = await import(dist('encryption.mjs'));
    const cjs = require(dist('encryption.cjs'));
    for (const [entry, core] of [
      // The main entry as the encryption entry imports it (the package's own name resolves to it).
      [esm, await import(dist('index.mjs'))],
      [cjs, require(dist('index.cjs'))],
    ]) {
      expect(Object.keys(entry).sort()).toEqual(['encryption']);
      const cipher = entry.encryption('package-test passphrase of 32+ characters');
      expect(await cipher.decrypt(await cipher.encrypt('plain', 'ctx'), 'ctx')).toBe('plain');
      expect(() => entry.encryption('short')).toThrow(core.ZenotiAuthError);
    }
  });

  it('/encryption imports only @zenoti-auth/core itself (for its error class), nothing from node:', () => {
    for (const file of ['encryption.mjs', 'encryption.cjs']) {
      const code = readFileSync(dist(file), 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/^\s*\/\/.*$/gm, '');
      const imported = [...code.matchAll(/(?:from\s+|require\()\s*["']([^"']+)["']/g)].map((m) => m[1]);
      expect([...new Set(imported)]).toEqual(['@zenoti-auth/core']);
      expect(code).not.toMatch(/\b(Buffer|process)\./);
    }
  });

  it('imports nothing at all: no node: modules, no packages', () => {
    for (const file of ['index.mjs', 'index.cjs', 'http.mjs', 'http.cjs']) {
      const code = readFileSync(dist(file), 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/^\s*\/\/.*$/gm, '');
      expect(code).not.toMatch(/^\s*import\s/m);
      expect(code).not.toMatch(/\bimport\s*\(/);
      expect(code).not.toMatch(/\brequire\s*\(/);
      expect(code).not.toMatch(/\b(Buffer|process)\./);
    }
  });

  it('reports its min+gzip size', () => {
    const output = execFileSync(
      process.execPath,
      [fileURLToPath(new URL('../../../scripts/size.mjs', import.meta.url)), 'core', '--json'],
      {
        encoding: 'utf8',
      },
    );
    const [result] = JSON.parse(output) as Array<{ package: string; gzip: number }>;
    expect(result?.package).toBe('@zenoti-auth/core');
    console.log(`@zenoti-auth/core ESM min+gzip: ${result?.gzip} bytes`);
    expect(result?.gzip).toBeGreaterThan(1_000);
  });
});
