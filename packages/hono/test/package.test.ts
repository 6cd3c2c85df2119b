import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { D, zenoti } from './support.ts';

const dist = (file: string): string => fileURLToPath(new URL(`../dist/${file}`, import.meta.url));
const require = createRequire(import.meta.url);

/** The runtime export surface of @zenoti-auth/hono; a change here is a change of the public API. */
const EXPORTS = ['toHTTPException', 'zenotiAuth', 'zenotiProxy', 'zenotiSignIn'];

interface Entry {
  zenotiAuth: (options: object) => unknown;
  zenotiProxy: (options: object) => unknown;
}

interface HonoLike {
  use(...handlers: unknown[]): unknown;
  get(path: string, ...handlers: unknown[]): unknown;
  request(path: string): Promise<Response>;
}

/** Mounts the middleware and the proxy of one build on a Hono app of the matching build. */
async function authenticatedCall(
  entry: Entry,
  HonoClass: new () => HonoLike,
  url: string,
): Promise<string[]> {
  const app = new HonoClass();
  app.use(entry.zenotiAuth({ baseUrl: url, apiKey: D.apiKey }));
  app.get(
    '/centers',
    async (c: { var: { zenoti: { fetch(p: string): Promise<Response> } }; text(t: string): Response }) =>
      c.text(String((await c.var.zenoti.fetch('/v1/centers')).status)),
  );
  app.get('/api/*', entry.zenotiProxy({ prefix: '/api', allow: ['GET /v1/centers'] }));
  const direct = await (await app.request('/centers')).text();
  const proxied = (await app.request('/api/v1/centers')).status;
  const refused = await app.request('/api/v1/guests/search');
  return [direct, String(proxied), String(refused.status), await refused.text()];
}

describe('built package', () => {
  it('has an ESM and a CJS entry with the same, expected exports', async () => {
    const esm = await import(dist('index.mjs'));
    const cjs = require(dist('index.cjs'));
    expect(Object.keys(esm).sort()).toEqual(EXPORTS);
    expect(Object.keys(cjs).sort()).toEqual(EXPORTS);
  });

  it('works from CommonJS: require() of dist/index.cjs on the CJS build of hono', async () => {
    const z = await zenoti();
    const cjs = require(dist('index.cjs')) as Entry;
    const { Hono } = require('hono') as { Hono: new () => HonoLike };
    expect(require.resolve('hono')).toMatch(/[\\/]cjs[\\/]/);
    expect(await authenticatedCall(cjs, Hono, z.url)).toEqual([
      '200',
      '200',
      '404',
      JSON.stringify({ error: { code: 'NOT_FOUND', message: 'Not found.' } }),
    ]);
    expect(z.control.requests().map((r) => r.authorization)).toEqual([
      `apikey …${D.apiKey.slice(-4)}`,
      `apikey …${D.apiKey.slice(-4)}`,
    ]);
  });

  it('works from ESM: import of dist/index.mjs on the ESM build of hono', async () => {
    const z = await zenoti();
    const esm = (await import(dist('index.mjs'))) as Entry;
    const { Hono } = (await import('hono')) as unknown as { Hono: new () => HonoLike };
    expect((await authenticatedCall(esm, Hono, z.url)).slice(0, 3)).toEqual(['200', '200', '404']);
  });

  it('imports only hono and @zenoti-auth/core: no node: modules, no Buffer or process', () => {
    for (const file of ['index.mjs', 'index.cjs']) {
      const code = readFileSync(dist(file), 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/^\s*\/\/.*$/gm, '');
      const specifiers = [...code.matchAll(/(?:from\s*|require\()\s*["']([^"']+)["']/g)].map((m) => m[1]);
      expect(new Set(specifiers)).toEqual(
        new Set(['@zenoti-auth/core', 'hono/http-exception', 'hono/cookie']),
      );
      expect(code).not.toMatch(/\b(Buffer|process)\./);
    }
  });

  it('reports its min+gzip size', () => {
    const script = fileURLToPath(new URL('../../../scripts/size.mjs', import.meta.url));
    const [result] = JSON.parse(
      execFileSync(process.execPath, [script, 'hono', '--json'], { encoding: 'utf8' }),
    ) as Array<{
      package: string;
      gzip: number;
    }>;
    expect(result?.package).toBe('@zenoti-auth/hono');
    console.log(`@zenoti-auth/hono ESM min+gzip: ${result?.gzip} bytes`);
    expect(result?.gzip).toBeGreaterThan(500);
  });
});
