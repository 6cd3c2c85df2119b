import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { EXPRESS_VERSIONS } from './frameworks.ts';
import { D, guestApp, listen, zenoti } from './support.ts';

const dist = (file: string): string => fileURLToPath(new URL(`../dist/${file}`, import.meta.url));
const require = createRequire(import.meta.url);

/**
 * The runtime export surface of @zenoti-auth/express, per entry (dist file → its exports); a change
 * here is a change of the public API.
 */
const ENTRIES: Record<string, string[]> = {
  index: ['zenotiAuth', 'zenotiErrorHandler', 'zenotiHealth'],
  proxy: ['zenotiProxy'],
  'sign-in': ['zenotiSignIn'],
};
/**
 * What each entry may import: @zenoti-auth/core (its `/http` table, `/health`; the neutral `/proxy` and
 * `/sign-in`, whose rules the skins wrap) and node: built-ins; never Express itself.
 */
const IMPORTS: Record<string, string[]> = {
  index: ['@zenoti-auth/core', '@zenoti-auth/core/health', '@zenoti-auth/core/http'],
  proxy: ['@zenoti-auth/core', '@zenoti-auth/core/proxy'],
  'sign-in': ['@zenoti-auth/core', '@zenoti-auth/core/sign-in'],
};

interface Build {
  zenotiAuth(options: object): never;
  zenotiErrorHandler(): never;
  zenotiProxy(options: object): never;
  zenotiSignIn(options: object): { login: never };
}

/** One build's three entries, loaded by `load` (require or import). */
async function loadBuild(load: (file: string) => unknown): Promise<Build> {
  const [index, proxy, signIn] = await Promise.all(
    ['index', 'proxy', 'sign-in'].map((n) => load(dist(`${n}.${load === require ? 'cjs' : 'mjs'}`))),
  );
  return { ...(index as object), ...(proxy as object), ...(signIn as object) } as Build;
}

/**
 * The built middleware, proxy, sign-in and error handler on an Express app, over real HTTP:
 * [GET /centers through req.zenoti, the proxy, a path off its list, a guest's sign-in, its cookie].
 */
async function answers(build: Build, express: (typeof EXPRESS_VERSIONS)[number][1], url: string) {
  const app = express();
  app.get('/centers', build.zenotiAuth({ baseUrl: url, apiKey: D.apiKey }), async (req, res, next) => {
    try {
      res.send(String((await req.zenoti.fetch('/v1/centers')).status));
    } catch (error) {
      next(error);
    }
  });
  app.use(
    '/api',
    build.zenotiAuth({ baseUrl: url, apiKey: D.apiKey }),
    build.zenotiProxy({ allow: ['GET /v1/centers'] }),
  );
  const signIn = build.zenotiSignIn({ cookie: { secret: 's'.repeat(32), secure: false } });
  app.post('/login', build.zenotiAuth(guestApp(url)), signIn.login);
  app.use(build.zenotiErrorHandler());
  const base = await listen(app);
  const [guest] = D.guests;
  const login = await fetch(`${base}/login`, {
    method: 'POST',
    headers: { origin: base },
    body: new URLSearchParams({ username: guest.username, password: guest.password }),
  });
  return [
    await (await fetch(`${base}/centers`)).text(),
    (await fetch(`${base}/api/v1/centers`)).status,
    (await fetch(`${base}/api/v1/guests/search`)).status,
    login.status,
    (login.headers.get('set-cookie') ?? '').split('=')[0],
  ];
}

describe('built package', () => {
  it('has an ESM and a CJS build of every entry with the same, expected exports', async () => {
    for (const [name, exports] of Object.entries(ENTRIES)) {
      expect(Object.keys(await import(dist(`${name}.mjs`))).sort(), `${name}.mjs`).toEqual(exports);
      expect(Object.keys(require(dist(`${name}.cjs`))).sort(), `${name}.cjs`).toEqual(exports);
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

  it('declares req.zenoti on Express.Request in both type builds', () => {
    for (const file of ['index.d.mts', 'index.d.cts']) {
      expect(readFileSync(dist(file), 'utf8'), file).toMatch(
        /declare global \{\s*namespace Express \{\s*interface Request \{[^}]*zenoti: ZenotiRequestContext;/,
      );
    }
  });

  it.each(EXPRESS_VERSIONS)('works from CommonJS and from ESM on %s', async (_version, express) => {
    const z = await zenoti();
    const expected = ['200', 200, 404, 200, 'zenoti_session'];
    expect(await answers(await loadBuild(require), express, z.url)).toEqual(expected);
    expect(await answers(await loadBuild((file) => import(file)), express, z.url)).toEqual(expected);
  });

  it('imports only @zenoti-auth/core and node: built-ins, never express', () => {
    for (const [name, allowed] of Object.entries(IMPORTS)) {
      for (const file of [`${name}.mjs`, `${name}.cjs`]) {
        const code = readFileSync(dist(file), 'utf8')
          .replace(/\/\*[\s\S]*?\*\//g, '')
          .replace(/^\s*\/\/.*$/gm, '');
        const specifiers = [...code.matchAll(/(?:from\s*|require\()\s*["']([^"']+)["']/g)].map((m) => m[1]);
        expect(new Set(specifiers.filter((s) => !s?.startsWith('node:'))), file).toEqual(new Set(allowed));
      }
    }
  });

  it('keeps every ESM entry within its min+gzip budget (2,500 B)', () => {
    const script = fileURLToPath(new URL('../../../scripts/size.mjs', import.meta.url));
    const rows = JSON.parse(
      execFileSync(process.execPath, [script, 'express', '--json'], { encoding: 'utf8' }),
    ) as Array<{ package: string; entry: string; gzip: number; budget: number }>;
    expect(rows.map((r) => r.entry)).toEqual(
      Object.keys(ENTRIES).map((n) => (n === 'index' ? '.' : `./${n}`)),
    );
    for (const row of rows) {
      console.log(`@zenoti-auth/express ${row.entry} ESM min+gzip: ${row.gzip} bytes (budget ${row.budget})`);
      expect(row.budget).toBe(2_500);
      expect(row.gzip, row.entry).toBeGreaterThan(500);
      expect(row.gzip, row.entry).toBeLessThanOrEqual(row.budget);
    }
  });
});
