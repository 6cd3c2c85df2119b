// Min+gzip size of every ESM entry a published package exports, frameworks and peers external.
// Shared by scripts/size.mjs, the packages' size tests and benchmark #7.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

/**
 * Min+gzip budget of every ESM entry of a published package (issue 28): a guard that catches bloat,
 * not a target to chase bytes. An entry not named in `ENTRY_BUDGETS` gets this one.
 */
export const DEFAULT_BUDGET = 2_500;

/** Entries allowed more than `DEFAULT_BUDGET`, by entry name (`@zenoti-auth/<package>[/<entry>]`), each with why. */
export const ENTRY_BUDGETS = {
  // The engine itself: API keys and the whole token cycle (single flight, ride-outs, the fleet's
  // lock and guards, a store that may fail), the authorized fetch and option checks. What a plain
  // API-key app never needs lives in entries of its own (/env, /health, /rate-budget, /shared-store).
  '@zenoti-auth/core': 16_000,
  // The browser proxy's rules, counted once for every framework (Hono's, Express's and Fastify's
  // skins import them): path checks, the allow-list of paths and its id patterns, request and
  // response header allow-lists, each client's fair share, redirect refusal, option checks.
  '@zenoti-auth/core/proxy': 3_700,
  // End-user sign-in, counted once for every framework: its options (per request too), a signed
  // cookie of its own (Web Crypto HMAC), the budget of failed sign-ins, same-origin and
  // wrong-password answers.
  '@zenoti-auth/core/sign-in': 4_300,
  // The interceptor with its origin policy, 401 retry, rate-limit permits and error redaction.
  '@zenoti-auth/axios': 3_000,
  // The store for a fleet: two client libraries and their cluster and sentinel forms, the lock
  // with its release channel, replica confirmation, and warnings that name an outage's cause.
  '@zenoti-auth/redis': 5_500,
  // The Durable Object, its token store and its rate budget live in one Workers entry.
  '@zenoti-auth/cloudflare': 4_500,
  // The `zenoti-auth` command's programmatic API (checkCredentials, readFleetStatus, with their own
  // Redis reading and redaction): Node-only, run from a terminal or a deploy script and never
  // bundled into an app, so the budget guards only its growth.
  '@zenoti-auth/cli': 4_500,
};

/** Packages with no budget, and why: they are never bundled into an app. */
export const UNBUDGETED = {
  // A local Zenoti for tests and demos: a Node server and its command, not a library.
  '@zenoti-auth/mock-server': 'a Node test server, never bundled',
};

/** The budget of an entry (`@zenoti-auth/<package>[/<entry>]`), or `null` for a package without one. */
export function budgetOf(entryName) {
  const packageName = entryName.split('/').slice(0, 2).join('/');
  if (Object.hasOwn(UNBUDGETED, packageName)) return null;
  return ENTRY_BUDGETS[entryName] ?? DEFAULT_BUDGET;
}

/** The name of an entry of a package: `@zenoti-auth/hono` for `.`, `@zenoti-auth/hono/proxy` for `./proxy`. */
export function entryName(packageName, entry) {
  return entry === '.' ? packageName : `${packageName}${entry.slice(1)}`;
}

/** The folders under packages/ that hold a package (published or not: see `UNBUDGETED`). */
export function packageDirs(root) {
  return readdirSync(join(root, 'packages'))
    .filter((dir) => existsSync(join(root, 'packages', dir, 'package.json')))
    .sort();
}

/** `exports` keys with the ESM file each resolves to, `./package.json` left out. */
export function esmEntries(pkg) {
  const entries = [];
  for (const [key, value] of Object.entries(pkg.exports ?? { '.': pkg.module })) {
    if (key === './package.json') continue;
    const esm = typeof value === 'string' ? value : (value.import?.default ?? value.import ?? value.default);
    if (typeof esm === 'string' && esm.endsWith('.mjs')) entries.push({ entry: key, file: esm });
  }
  return entries;
}

export async function minGzip(entryPoint, external, stdin) {
  const out = await build({
    ...(stdin ? { stdin } : { entryPoints: [entryPoint] }),
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'neutral',
    mainFields: ['module', 'main'],
    conditions: ['import', 'module', 'default'],
    write: false,
    external: [...external, ...external.map((e) => `${e}/*`), 'node:*'],
    logLevel: 'silent',
  });
  const code = out.outputFiles[0].contents;
  return { minified: code.length, gzip: gzipSync(code, { level: 9 }).length };
}

/**
 * One row per ESM entry of packages/<dir>: { package, entry, name, minified, gzip, budget }. Throws if
 * dist is missing. Each entry is bundled alone, minified, with the package's peers and dependencies
 * external, so a row counts exactly the code that entry adds to an app.
 */
export async function packageSizes(root, dir) {
  const pkgDir = join(root, 'packages', dir);
  const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
  // The package's own name too: an entry that imports the main entry by name (core/encryption does,
  // for one ZenotiAuthError class) adds only itself, the main entry being counted on its own row.
  const external = [
    pkg.name,
    ...Object.keys({ ...pkg.dependencies, ...pkg.peerDependencies, ...pkg.optionalDependencies }),
  ];
  const rows = [];
  for (const { entry, file } of esmEntries(pkg)) {
    const path = join(pkgDir, file);
    if (!existsSync(path)) throw new Error(`size: ${pkg.name}: ${file} is missing (run the build first)`);
    const name = entryName(pkg.name, entry);
    rows.push({ package: pkg.name, entry, name, ...(await minGzip(path, external)), budget: budgetOf(name) });
  }
  return rows;
}
