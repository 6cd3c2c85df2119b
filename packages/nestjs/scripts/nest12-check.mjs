#!/usr/bin/env node
// Runs this package's test suite against NestJS 12 (ESM-only) in a throw-away project:
// the workspace packages are packed (pnpm pack) and installed from their tarballs beside
// @nestjs/*@12, so the tests exercise the built dist exactly as a user installs it.
// Usage: node scripts/nest12-check.mjs [--keep] [--nest=10|11|12]
//   (CI runs it as its own step; it takes a minute or so. --nest=10 checks the oldest supported major.)
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PNPM = '10.34.8';
const here = fileURLToPath(new URL('..', import.meta.url));
const repo = join(here, '..', '..');
const keep = process.argv.includes('--keep');
const major = (process.argv.find((a) => a.startsWith('--nest=')) ?? '--nest=12').slice('--nest='.length);
/**
 * The Nest packages of each major (config and axios have their own numbering before 12; terminus 11
 * serves Nest 10 and 11).
 */
const NEST = {
  10: { core: '^10.0.0', testing: '^10.0.0', config: '^3.0.0', axios: '^3.0.0', terminus: '^11.0.0' },
  11: { core: '^11.0.0', testing: '^11.0.0', config: '^4.0.0', axios: '^4.0.0', terminus: '^11.0.0' },
  12: { core: '^12.0.0', testing: '^12.0.0', config: '12.0.1', axios: '12.0.1', terminus: '^12.0.0' },
}[major];
if (!NEST) throw new Error(`--nest must be 10, 11 or 12, got ${major}`);
const started = Date.now();

/** Versions of the repo's pnpm catalog, so the job uses the same axios, rxjs, vitest … as the workspace. */
function catalog() {
  const text = readFileSync(join(repo, 'pnpm-workspace.yaml'), 'utf8');
  const versions = {};
  for (const match of text.matchAll(/^ {2}"?([@\w/.-]+)"?:\s*([^\s#]+)\s*$/gm)) versions[match[1]] = match[2];
  return versions;
}

function sh(command, args, cwd, options = {}) {
  console.log(`$ ${[command, ...args].join(' ')}   (in ${cwd})`);
  return execFileSync(command, args, {
    cwd,
    stdio: 'inherit',
    env: { ...process.env, CI: 'true' },
    ...options,
  });
}

/** pnpm itself: the global one when it is the pinned version, else through npx. */
function pnpm(args, cwd) {
  let global = '';
  try {
    global = execFileSync('pnpm', ['--version'], { encoding: 'utf8' }).trim();
  } catch {}
  return global === PNPM ? sh('pnpm', args, cwd) : sh('npx', ['-y', `pnpm@${PNPM}`, ...args], cwd);
}

const packages = {
  core: '@zenoti-auth/core',
  axios: '@zenoti-auth/axios',
  'mock-server': '@zenoti-auth/mock-server',
  nestjs: '@zenoti-auth/nestjs',
  // The warnings tests run a RedisTokenStore on a Redis that is down (with ioredis, below).
  redis: '@zenoti-auth/redis',
};
const missing = Object.entries(packages).filter(
  ([dir]) => !existsSync(join(repo, 'packages', dir, 'dist', 'index.mjs')),
);
if (missing.length > 0) {
  pnpm(['--filter', ...missing.flatMap(([, name]) => [name, '--filter']).slice(0, -1), 'build'], repo);
}

const work = mkdtempSync(join(tmpdir(), `zenoti-nest${major}-`));
let failed = false;
try {
  const tarballs = join(work, 'tarballs');
  mkdirSync(tarballs);
  for (const dir of Object.keys(packages))
    pnpm(['pack', '--pack-destination', tarballs], join(repo, 'packages', dir));
  const tarball = (name) => {
    const prefix = `${name.replace('@', '').replace('/', '-')}-`;
    const file = readdirSync(tarballs).find((f) => f.startsWith(prefix) && f.endsWith('.tgz'));
    if (!file) throw new Error(`no tarball for ${name} in ${tarballs}`);
    return `file:./tarballs/${file}`;
  };

  const v = catalog();
  const manifest = {
    name: `zenoti-auth-nest${major}-check`,
    private: true,
    type: 'module',
    dependencies: {
      '@nestjs/common': NEST.core,
      '@nestjs/core': NEST.core,
      '@nestjs/testing': NEST.testing,
      '@nestjs/platform-express': NEST.core,
      '@nestjs/config': NEST.config,
      '@nestjs/axios': NEST.axios,
      '@nestjs/terminus': NEST.terminus,
      axios: v.axios,
      ioredis: v.ioredis,
      rxjs: v.rxjs,
      'reflect-metadata': v['reflect-metadata'],
      ...Object.fromEntries(Object.values(packages).map((name) => [name, tarball(name)])),
    },
    devDependencies: { typescript: v.typescript, vitest: v.vitest, '@types/node': v['@types/node'] },
    pnpm: { onlyBuiltDependencies: ['esbuild'] },
  };
  writeFileSync(join(work, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  cpSync(join(here, 'test'), join(work, 'test'), { recursive: true });
  // The shared test helpers (tools/test-support: private, never packed) as sources, by alias; their
  // imports of @zenoti-auth/core and mock-server resolve to the tarballs installed here.
  const testSupport = join(work, 'test-support');
  cpSync(join(repo, 'tools', 'test-support', 'src'), testSupport, { recursive: true });
  // Decorators as in the repo; `@zenoti-auth/nestjs` is not aliased: it is the installed (packed) dist here.
  writeFileSync(
    join(work, 'vitest.config.mjs'),
    `export default {
  oxc: { decorator: { legacy: true, emitDecoratorMetadata: true } },
  resolve: {
    alias: [
      { find: /^@zenoti-auth\\/test-support$/, replacement: ${JSON.stringify(join(testSupport, 'index.ts'))} },
    ],
  },
  test: { include: ['test/**/*.test.ts'], testTimeout: 30000, hookTimeout: 30000 },
};\n`,
  );
  pnpm(['install', '--no-frozen-lockfile', '--config.confirmModulesPurge=false'], work);

  const installed = (name) =>
    JSON.parse(readFileSync(join(work, 'node_modules', name, 'package.json'), 'utf8')).version;
  const nest = [
    '@nestjs/common',
    '@nestjs/core',
    '@nestjs/testing',
    '@nestjs/config',
    '@nestjs/axios',
    '@nestjs/platform-express',
    '@nestjs/terminus',
  ];
  console.log(`\nNestJS under test: ${nest.map((name) => `${name}@${installed(name)}`).join(', ')}`);
  if (!installed('@nestjs/common').startsWith(`${major}.`))
    throw new Error(`@nestjs/common ${major} was not installed`);

  sh(join(work, 'node_modules', '.bin', 'vitest'), ['run', '--config', 'vitest.config.mjs'], work);
} catch (error) {
  failed = true;
  console.error(`\nnest${major} check failed: ${error instanceof Error ? error.message : String(error)}`);
} finally {
  if (keep) console.log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
  console.log(
    `nest${major} check ${failed ? 'FAILED' : 'passed'} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
}
process.exitCode = failed ? 1 : 0;
