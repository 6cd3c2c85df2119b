import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { EXPRESS_VERSIONS } from './frameworks.ts';
import { D, listen, zenoti } from './support.ts';

const dist = (file: string): string => fileURLToPath(new URL(`../dist/${file}`, import.meta.url));
const require = createRequire(import.meta.url);

/**
 * The runtime export surface of @zenoti-auth/express, per entry (dist file → its exports); a change
 * here is a change of the public API.
 */
const ENTRIES: Record<string, string[]> = {
  index: ['zenotiAuth', 'zenotiErrorHandler', 'zenotiHealth'],
};
/** What each entry may import: @zenoti-auth/core (and its `/http` table) and node: built-ins; never Express itself. */
const IMPORTS: Record<string, string[]> = {
  index: ['@zenoti-auth/core', '@zenoti-auth/core/http'],
};

interface Build {
  zenotiAuth(options: object): never;
  zenotiErrorHandler(): never;
}

/** The built middleware and error handler on an Express app: GET /centers through req.zenoti, over real HTTP. */
async function centresStatus(build: Build, express: (typeof EXPRESS_VERSIONS)[number][1], url: string) {
  const app = express();
  app.use(build.zenotiAuth({ baseUrl: url, apiKey: D.apiKey }));
  app.get('/centers', async (req, res, next) => {
    try {
      res.send(String((await req.zenoti.fetch('/v1/centers')).status));
    } catch (error) {
      next(error);
    }
  });
  app.use(build.zenotiErrorHandler());
  return (await fetch(`${await listen(app)}/centers`)).text();
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
    expect(await centresStatus(require(dist('index.cjs')), express, z.url)).toBe('200');
    expect(await centresStatus(await import(dist('index.mjs')), express, z.url)).toBe('200');
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
