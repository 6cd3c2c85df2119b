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
  'MemoryTokenStore',
  'WarningRoute',
  'ZenotiAuth',
  'ZenotiAuthError',
  'callInfo',
  'checkGuard',
  'checkZenotiOptions',
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
];

/** Each entry but the main one: its exports, as ESM and as CJS. */
const ENTRIES: Record<string, string[]> = {
  http: ['ERROR_ANSWERS', 'httpAnswerOf'],
  encryption: ['encryption'],
  env: ['ZENOTI_ENV', 'zenotiOptionsFromEnv'],
  health: ['healthOf'],
  'rate-budget': ['MemoryRateBudget', 'pacedBudget'],
  'shared-store': [
    'BUDGET_OPTION_RULES',
    'DAY_MS',
    'MAX_SET_CHARS',
    'STORE_OPTION_RULES',
    'durationRule',
    'openTokenSet',
    'resolveOptions',
    'sealTokenSet',
    'tokenSetProblem',
    'wholeNumberRule',
  ],
  proxy: ['createZenotiProxy', 'errorAnswerOf'],
  'sign-in': ['createZenotiSignIn', 'errorAnswerOf'],
};

/** What a built file imports: `[module, names]` of each import (`import {…} from`, `require()`). */
function importsOf(file: string): Array<[string, string[]]> {
  const code = readFileSync(dist(file), 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/^\s*\/\/.*$/gm, '');
  const esm = [...code.matchAll(/import\s*\{([^}]*)\}\s*from\s*["']([^"']+)["']/g)].map(
    (m): [string, string[]] => [
      m[2] as string,
      (m[1] as string).split(',').map((n) => n.trim().split(/\s+as\s+/)[0] as string),
    ],
  );
  const cjs = [...code.matchAll(/require\(\s*["']([^"']+)["']\s*\)/g)].map((m): [string, string[]] => [
    m[1] as string,
    [],
  ]);
  return [...esm, ...cjs];
}

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

  it('has every other entry, as ESM and as CJS, with its expected exports', async () => {
    const manifest = JSON.parse(
      readFileSync(fileURLToPath(new URL('../package.json', import.meta.url)), 'utf8'),
    );
    expect(Object.keys(manifest.exports).sort()).toEqual(
      ['.', './package.json', ...Object.keys(ENTRIES).map((name) => `./${name}`)].sort(),
    );
    for (const [name, exports] of Object.entries(ENTRIES)) {
      expect(Object.keys(await import(dist(`${name}.mjs`))).sort(), name).toEqual(exports);
      expect(Object.keys(createRequire(import.meta.url)(dist(`${name}.cjs`))).sort(), name).toEqual(exports);
    }
  });

  it('builds every other entry on the main one: it imports only @zenoti-auth/core (and /http), and only what they export', () => {
    const exportsOf: Record<string, string[]> = {
      '@zenoti-auth/core': EXPORTS,
      '@zenoti-auth/core/http': ENTRIES.http as string[],
    };
    for (const name of Object.keys(ENTRIES))
      for (const [module, names] of [...importsOf(`${name}.mjs`), ...importsOf(`${name}.cjs`)]) {
        expect(Object.keys(exportsOf), name).toContain(module);
        for (const imported of names)
          expect(exportsOf[module], `${name} imports ${imported}`).toContain(imported);
      }
  });

  it("has a /env entry whose errors are the main entry's, told by the variable", async () => {
    const { zenotiOptionsFromEnv } = await import(dist('env.mjs'));
    const core = await import(dist('index.mjs'));
    const fault = (() => {
      try {
        zenotiOptionsFromEnv({ ZENOTI_API_KEY: 'k'.repeat(40), ZENOTI_BASE_URL: 'http://zenoti.example' });
      } catch (error) {
        return error;
      }
    })();
    expect(fault).toBeInstanceOf(core.ZenotiAuthError);
    expect(fault).toMatchObject({ code: 'INVALID_OPTIONS', field: 'ZENOTI_BASE_URL' });
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
