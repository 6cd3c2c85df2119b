import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { closeAfter, D, listen, zenoti } from './support.ts';

const dist = (file: string): string => fileURLToPath(new URL(`../dist/${file}`, import.meta.url));
const require = createRequire(import.meta.url);

/**
 * The runtime export surface of @zenoti-auth/fastify, per entry (dist file → its exports); a change
 * here is a change of the public API.
 */
const ENTRIES: Record<string, string[]> = {
  index: ['zenotiAuth', 'zenotiErrorHandler', 'zenotiHealth'],
  proxy: ['zenotiProxy'],
  'sign-in': ['zenotiSignIn'],
};
/** What each entry may import: @zenoti-auth/core and the subpath it wraps, and node: built-ins; never Fastify. */
const IMPORTS: Record<string, string[]> = {
  index: ['@zenoti-auth/core', '@zenoti-auth/core/http', '@zenoti-auth/core/health'],
  proxy: ['@zenoti-auth/core', '@zenoti-auth/core/proxy'],
  'sign-in': ['@zenoti-auth/core', '@zenoti-auth/core/sign-in'],
};

interface Build {
  zenotiAuth: never;
  zenotiErrorHandler(): never;
}
interface ProxyBuild {
  zenotiProxy: never;
}

/** The built plugins on a Fastify app: GET /centers through request.zenoti and the proxy, over real HTTP. */
async function statuses(build: Build, proxy: ProxyBuild, url: string): Promise<string> {
  const app = closeAfter(Fastify());
  await app.register(build.zenotiAuth, { baseUrl: url, apiKey: D.apiKey });
  app.setErrorHandler(build.zenotiErrorHandler());
  app.get('/centers', async (request) => String((await request.zenoti.fetch('/v1/centers')).status));
  await app.register(proxy.zenotiProxy, { prefix: '/z', allow: ['GET /v1/centers'] });
  const base = await listen(app);
  return `${await (await fetch(`${base}/centers`)).text()} ${(await fetch(`${base}/z/v1/centers`)).status}`;
}

describe('built package', () => {
  it('has an ESM and a CJS build of every entry with the same, expected exports', async () => {
    for (const [name, exports] of Object.entries(ENTRIES)) {
      expect(Object.keys(await import(dist(`${name}.mjs`))).sort(), `${name}.mjs`).toEqual(exports);
      expect(Object.keys(require(dist(`${name}.cjs`))).sort(), `${name}.cjs`).toEqual(exports);
    }
  });

  it('maps every entry in package.json exports (types first, import and require) and typesVersions', () => {
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
      if (name !== 'index') expect(manifest.typesVersions['*'][name], name).toEqual([`./dist/${name}.d.cts`]);
    }
    expect(manifest.dependencies).toBeUndefined();
    expect(manifest.peerDependencies).toEqual({ '@zenoti-auth/core': 'workspace:^0', fastify: '^5' });
  });

  it('declares request.zenoti on FastifyRequest in both type builds', () => {
    for (const file of ['index.d.mts', 'index.d.cts']) {
      expect(readFileSync(dist(file), 'utf8'), file).toMatch(
        /declare module ['"]fastify['"] \{\s*interface FastifyRequest \{[^}]*zenoti: ZenotiRequestContext;/,
      );
    }
  });

  it('works from CommonJS and from ESM, over real HTTP', async () => {
    const z = await zenoti();
    expect(await statuses(require(dist('index.cjs')), require(dist('proxy.cjs')), z.url)).toBe('200 200');
    expect(await statuses(await import(dist('index.mjs')), await import(dist('proxy.mjs')), z.url)).toBe(
      '200 200',
    );
  });

  it('marks zenotiAuth to run in the context it is registered in, the other plugins not', async () => {
    const { zenotiAuth, zenotiHealth } = await import(dist('index.mjs'));
    const { zenotiProxy } = await import(dist('proxy.mjs'));
    const skip = Symbol.for('skip-override');
    expect([zenotiAuth[skip], zenotiHealth[skip], zenotiProxy[skip]]).toEqual([true, undefined, undefined]);
    expect(zenotiAuth[Symbol.for('plugin-meta')]).toEqual({ name: '@zenoti-auth/fastify', fastify: '5.x' });
  });

  it('imports only @zenoti-auth/core entries and node: built-ins, never fastify', () => {
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
      execFileSync(process.execPath, [script, 'fastify', '--json'], { encoding: 'utf8' }),
    ) as Array<{
      entry: string;
      gzip: number;
      budget: number;
    }>;
    expect(rows.map((r) => r.entry)).toEqual(
      Object.keys(ENTRIES).map((n) => (n === 'index' ? '.' : `./${n}`)),
    );
    for (const row of rows) {
      console.log(`@zenoti-auth/fastify ${row.entry} ESM min+gzip: ${row.gzip} bytes (budget ${row.budget})`);
      expect(row.budget).toBe(2_500);
      expect(row.gzip, row.entry).toBeGreaterThan(500);
      expect(row.gzip, row.entry).toBeLessThanOrEqual(row.budget);
    }
  });
});
