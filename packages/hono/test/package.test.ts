import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { D, guestApp, zenoti } from './support.ts';

const dist = (file: string): string => fileURLToPath(new URL(`../dist/${file}`, import.meta.url));
const require = createRequire(import.meta.url);

/**
 * The runtime export surface of @zenoti-auth/hono, per entry (dist file → its exports); a change here
 * is a change of the public API. The proxy and sign-in are subpaths so the middleware alone stays small.
 */
const ENTRIES: Record<string, string[]> = {
  index: ['isZenotiHTTPException', 'toHTTPException', 'zenotiAuth', 'zenotiHealth'],
  proxy: ['zenotiProxy'],
  'sign-in': ['zenotiSignIn'],
};
/**
 * What each entry may import: hono's subpaths and @zenoti-auth/core (its `/http` entry, the error
 * contract, where a `ZenotiAuthError` becomes a response; `/health`, for the health route; `/proxy` and `/sign-in`, the
 * framework-neutral handlers the entries of the same names wrap), never another file.
 */
const IMPORTS: Record<string, string[]> = {
  index: ['@zenoti-auth/core', '@zenoti-auth/core/health', '@zenoti-auth/core/http', 'hono/http-exception'],
  proxy: ['@zenoti-auth/core', '@zenoti-auth/core/proxy', 'hono/http-exception'],
  'sign-in': ['@zenoti-auth/core', '@zenoti-auth/core/sign-in', 'hono/http-exception'],
};

/** The three entries of one build (ESM or CJS), as loaded from dist. */
interface Build {
  zenotiAuth: (options: object) => unknown;
  zenotiProxy: (options: object) => unknown;
  zenotiSignIn: (options: object) => { login: unknown };
}

interface HonoLike {
  use(...handlers: unknown[]): unknown;
  get(path: string, ...handlers: unknown[]): unknown;
  post(path: string, ...handlers: unknown[]): unknown;
  request(path: string, init?: RequestInit): Promise<Response>;
}

/**
 * Mounts the middleware, the proxy and the sign-in of one build on a Hono app of the matching build:
 * [direct call, proxied call, refused proxy call, its body, guest sign-in status, its cookie name].
 */
async function authenticatedCall(
  build: Build,
  HonoClass: new () => HonoLike,
  url: string,
): Promise<string[]> {
  const app = new HonoClass();
  app.get(
    '/centers',
    build.zenotiAuth({ baseUrl: url, apiKey: D.apiKey }),
    async (c: { var: { zenoti: { fetch(p: string): Promise<Response> } }; text(t: string): Response }) =>
      c.text(String((await c.var.zenoti.fetch('/v1/centers')).status)),
  );
  app.get(
    '/api/*',
    build.zenotiAuth({ baseUrl: url, apiKey: D.apiKey }),
    build.zenotiProxy({ prefix: '/api', allow: ['GET /v1/centers'] }),
  );
  const signIn = build.zenotiSignIn({ cookie: { secret: 's'.repeat(32), secure: false } });
  app.post('/login', build.zenotiAuth(guestApp(url)), signIn.login);
  const direct = await (await app.request('/centers')).text();
  const proxied = (await app.request('/api/v1/centers')).status;
  const refused = await app.request('/api/v1/guests/search');
  const [guest] = D.guests;
  const login = await app.request('/login', {
    method: 'POST',
    headers: { origin: 'http://localhost', 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username: guest.username, password: guest.password }),
  });
  const cookie = (login.headers.get('set-cookie') ?? '').split('=')[0] as string;
  return [
    direct,
    String(proxied),
    String(refused.status),
    await refused.text(),
    String(login.status),
    cookie,
  ];
}

/** What authenticatedCall() sees from either build: API key call, proxy, a path outside the allow-list, sign-in. */
const EXPECTED_ANSWERS = [
  '200',
  '200',
  '404',
  JSON.stringify({ error: { code: 'NOT_FOUND', message: 'Not found.' } }),
  '200',
  'zenoti_session',
];

describe('built package', () => {
  it('has an ESM and a CJS build of every entry with the same, expected exports', async () => {
    for (const [name, exports] of Object.entries(ENTRIES)) {
      const esm = await import(dist(`${name}.mjs`));
      const cjs = require(dist(`${name}.cjs`));
      expect(Object.keys(esm).sort(), `${name}.mjs`).toEqual(exports);
      expect(Object.keys(cjs).sort(), `${name}.cjs`).toEqual(exports);
    }
  });

  it('maps every entry in package.json exports, types first, for import and require', () => {
    const manifest = JSON.parse(
      readFileSync(fileURLToPath(new URL('../package.json', import.meta.url)), 'utf8'),
    );
    const subpath = (name: string): string => (name === 'index' ? '.' : `./${name}`);
    expect(Object.keys(manifest.exports)).toEqual([...Object.keys(ENTRIES).map(subpath), './package.json']);
    for (const name of Object.keys(ENTRIES)) {
      expect(manifest.exports[subpath(name)], name).toEqual({
        import: { types: `./dist/${name}.d.mts`, default: `./dist/${name}.mjs` },
        require: { types: `./dist/${name}.d.cts`, default: `./dist/${name}.cjs` },
      });
    }
    // TypeScript's node10 resolution (no `exports`) finds the subpaths' types through typesVersions.
    expect(manifest.typesVersions).toEqual({
      '*': { proxy: ['./dist/proxy.d.cts'], 'sign-in': ['./dist/sign-in.d.cts'] },
    });
  });

  it('works from CommonJS: require() of the .cjs entries on the CJS build of hono', async () => {
    const z = await zenoti();
    const cjs: Build = {
      ...require(dist('index.cjs')),
      ...require(dist('proxy.cjs')),
      ...require(dist('sign-in.cjs')),
    };
    const { Hono } = require('hono') as { Hono: new () => HonoLike };
    expect(require.resolve('hono')).toMatch(/[\\/]cjs[\\/]/);
    expect(await authenticatedCall(cjs, Hono, z.url)).toEqual(EXPECTED_ANSWERS);
    expect(
      z.control
        .requests()
        .filter((r) => r.path === '/v1/centers')
        .map((r) => r.authorization),
    ).toEqual([`apikey …${D.apiKey.slice(-4)}`, `apikey …${D.apiKey.slice(-4)}`]);
  });

  it('works from ESM: import of the .mjs entries on the ESM build of hono', async () => {
    const z = await zenoti();
    const esm: Build = {
      ...(await import(dist('index.mjs'))),
      ...(await import(dist('proxy.mjs'))),
      ...(await import(dist('sign-in.mjs'))),
    };
    const { Hono } = (await import('hono')) as unknown as { Hono: new () => HonoLike };
    expect(await authenticatedCall(esm, Hono, z.url)).toEqual(EXPECTED_ANSWERS);
  });

  it('imports only hono and @zenoti-auth/core: no other file, no node: modules, no Buffer or process', () => {
    for (const [name, allowed] of Object.entries(IMPORTS)) {
      for (const file of [`${name}.mjs`, `${name}.cjs`]) {
        const code = readFileSync(dist(file), 'utf8')
          .replace(/\/\*[\s\S]*?\*\//g, '')
          .replace(/^\s*\/\/.*$/gm, '');
        const specifiers = [...code.matchAll(/(?:from\s*|require\()\s*["']([^"']+)["']/g)].map((m) => m[1]);
        expect(new Set(specifiers), file).toEqual(new Set(allowed));
        expect(code).not.toMatch(/\b(Buffer|process)\./);
      }
    }
  });

  it('keeps every ESM entry within its min+gzip budget (benchmark #7)', () => {
    const script = fileURLToPath(new URL('../../../scripts/size.mjs', import.meta.url));
    const rows = JSON.parse(
      execFileSync(process.execPath, [script, 'hono', '--json'], { encoding: 'utf8' }),
    ) as Array<{ package: string; entry: string; gzip: number; budget: number }>;
    expect(rows.map((r) => r.entry)).toEqual(['.', './proxy', './sign-in']);
    for (const row of rows) {
      expect(row.package).toBe('@zenoti-auth/hono');
      console.log(`@zenoti-auth/hono ${row.entry} ESM min+gzip: ${row.gzip} bytes (budget ${row.budget})`);
      expect(row.gzip, row.entry).toBeGreaterThan(500);
      expect(row.gzip, row.entry).toBeLessThanOrEqual(row.budget);
    }
  });
});
