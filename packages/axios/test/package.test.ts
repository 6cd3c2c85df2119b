import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { D, zenoti } from './support.ts';

const run = promisify(execFile);
const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));
const require = createRequire(import.meta.url);

/** The public surface of @zenoti-auth/axios; a change here is a change of the published API. */
const EXPORTS = ['ERR_ZENOTI_AUTH', 'createZenotiAxios', 'isZenotiAxiosError', 'zenotiAuthInterceptor'];

interface Entry {
  createZenotiAxios(options: { apiKey: string; baseUrl: string }): {
    get(path: string): Promise<{ status: number; data: { centers: unknown[] } }>;
  };
}

describe('the built package', () => {
  it('exports the same, expected names from its ESM and CJS entries', async () => {
    const esm: Record<string, unknown> = await import(here('../dist/index.mjs'));
    const cjs: Record<string, unknown> = require(here('../dist/index.cjs'));
    expect(Object.keys(esm).sort()).toEqual(EXPORTS);
    expect(Object.keys(cjs).sort()).toEqual(EXPORTS);
  });

  it('makes an authenticated call when loaded with require()', async () => {
    const z = await zenoti();
    const { createZenotiAxios } = require(here('../dist/index.cjs')) as Entry;
    const res = await createZenotiAxios({ apiKey: D.apiKey, baseUrl: z.url }).get('/v1/centers');
    expect(res.status).toBe(200);
    expect(res.data.centers).toHaveLength(3);
    expect(z.control.requests()[0]?.authorization).toMatch(/^apikey …/);
  });

  it('makes an authenticated call when loaded with import', async () => {
    const z = await zenoti();
    const { createZenotiAxios } = (await import(here('../dist/index.mjs'))) as Entry;
    const res = await createZenotiAxios({ apiKey: D.apiKey, baseUrl: z.url }).get('/v1/centers');
    expect(res.status).toBe(200);
    expect(z.control.requests()[0]?.authorization).toMatch(/^apikey …/);
  });

  it('ships the axios `zenoti` config augmentation in both .d.mts and .d.cts', () => {
    for (const file of ['index.d.mts', 'index.d.cts']) {
      const types = readFileSync(here(`../dist/${file}`), 'utf8');
      expect(types, file).toMatch(
        /declare module 'axios' \{\s+interface AxiosRequestConfig \{[^}]*zenoti\?:/,
      );
    }
  });

  it('type-checks a consumer of dist as an ESM and as a CommonJS module', async () => {
    const tsc = require.resolve('typescript/bin/tsc');
    const result = await run(process.execPath, [tsc, '-p', here('./consumer/tsconfig.json')]).catch(
      (error: { stdout: string }) => ({ stdout: error.stdout }),
    );
    expect(result.stdout).toBe('');
  });
});
