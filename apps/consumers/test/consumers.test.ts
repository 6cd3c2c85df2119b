// The published packages as users get them: `pnpm pack` tarballs (workspace: ranges resolved, only the
// `files` that ship), installed with npm into a plain project beside the frameworks, then
// - type-checked under the tsconfig modes apps use (nodenext ESM and CJS, module commonjs with both of
//   TypeScript's resolutions, bundler, and a strict + exactOptionalPropertyTypes project), and
// - run: an ES module (`import`) and a CommonJS (`require`) consumer call the mock Zenoti from the
//   packed @zenoti-auth/mock-server through core's fetch, axios, Hono's app.request and Nest.
// One npm install serves every variant. KEEP_TEMP=1 keeps the project for a look.
import {
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  catalog,
  childEnv,
  exportedFiles,
  fixtures,
  type Manifest,
  pnpmCommand,
  publishedPackages,
  readJson,
  repo,
  run,
  shippedBesidesDist,
} from './support.ts';

const published = publishedPackages();
/** The frameworks a consumer of every adapter installs, at the versions the repo is tested with. */
const FRAMEWORKS = [
  'axios',
  'hono',
  '@hono/node-server',
  'express',
  '@types/express',
  'fastify',
  '@nestjs/common',
  '@nestjs/core',
  '@nestjs/axios',
  '@nestjs/terminus',
  'rxjs',
  'reflect-metadata',
  'ioredis',
  '@opentelemetry/api',
];
const TOOLS = ['typescript', '@types/node'];

/** Options every variant shares: decorators as Nest needs them, Node's types, no emit. */
const BASE = {
  target: 'ES2022',
  strict: true,
  experimentalDecorators: true,
  emitDecoratorMetadata: true,
  skipLibCheck: true,
  types: ['node'],
  noEmit: true,
};
/** tsconfig variants: name → [compilerOptions, root files]. `api.*` are copies of fixtures/api.ts. */
const VARIANTS: Record<string, [Record<string, unknown>, string[]]> = {
  // Node's own rules: api.mts is an ES module, api.cts CommonJS (Nest 11's new-project template).
  nodenext: [{ module: 'nodenext' }, ['api.mts', 'api.cts']],
  // CommonJS with TypeScript 6's default resolution for it (package exports, "require" condition).
  commonjs: [{ module: 'commonjs', esModuleInterop: true }, ['api.ts']],
  // CommonJS with the pre-exports resolution most existing Nest apps have: `types` / `typesVersions`.
  'commonjs-node10': [
    { module: 'commonjs', moduleResolution: 'node10', ignoreDeprecations: '6.0', esModuleInterop: true },
    ['api.ts'],
  ],
  // Vite, esbuild, webpack and Bun apps.
  bundler: [{ module: 'esnext', moduleResolution: 'bundler' }, ['api.ts']],
  // The strictest common settings; skipLibCheck off, so the shipped .d.ts files are checked too.
  strict: [
    {
      module: 'nodenext',
      exactOptionalPropertyTypes: true,
      noUncheckedIndexedAccess: true,
      verbatimModuleSyntax: true,
      noImplicitOverride: true,
      skipLibCheck: false,
    },
    ['api.mts'],
  ],
};

let project = '';
const timings: Record<string, number> = {};

beforeAll(async () => {
  const started = performance.now();
  // 1. Built? A missing dist would be packed as an empty package and fail confusingly later.
  for (const { dir, manifest } of published) {
    for (const file of exportedFiles(manifest.exports)) {
      if (!existsSync(join(repo, dir, file)))
        throw new Error(
          `${manifest.name}: ${file} is missing. Build the packages first: pnpm turbo run build --filter=./packages/*`,
        );
    }
  }

  project = mkdtempSync(join(tmpdir(), 'zenoti-consumers-'));
  const tarballs = join(project, 'tarballs');
  mkdirSync(tarballs);

  // 2. pnpm pack every published package (concurrently; each is a second or two).
  const pnpm = pnpmCommand();
  const packed = await Promise.all(
    published.map(({ dir }) =>
      run(pnpm.command, [...pnpm.args, 'pack', '--pack-destination', tarballs], { cwd: join(repo, dir) }),
    ),
  );
  timings.pack = Math.max(...packed.map((r) => r.seconds));
  const tarball = (name: string): string => {
    const prefix = `${name.replace(/^@/, '').replace('/', '-')}-`;
    const file = readdirSync(tarballs).find((f) => f.startsWith(prefix) && f.endsWith('.tgz'));
    if (!file) throw new Error(`pnpm pack made no tarball for ${name} in ${tarballs}`);
    return `file:./tarballs/${file}`;
  };

  // 3. A plain npm project (no "type": CommonJS by default) with the tarballs and the frameworks.
  const versions = catalog();
  const version = (name: string): string => {
    const v = versions[name];
    if (!v) throw new Error(`${name} is not in the pnpm-workspace.yaml catalog`);
    return v;
  };
  writeFileSync(
    join(project, 'package.json'),
    `${JSON.stringify(
      {
        name: 'zenoti-auth-consumer',
        private: true,
        version: '0.0.0',
        dependencies: {
          ...Object.fromEntries(published.map(({ manifest }) => [manifest.name, tarball(manifest.name)])),
          ...Object.fromEntries(FRAMEWORKS.map((name) => [name, version(name)])),
        },
        devDependencies: Object.fromEntries(TOOLS.map((name) => [name, version(name)])),
      },
      null,
      2,
    )}\n`,
  );
  for (const file of ['scenario.cjs', 'run.mjs', 'run.cjs'])
    copyFileSync(join(fixtures, file), join(project, file));
  for (const copy of ['api.ts', 'api.mts', 'api.cts'])
    copyFileSync(join(fixtures, 'api.ts'), join(project, copy));
  for (const [name, [options, files]] of Object.entries(VARIANTS)) {
    writeFileSync(
      join(project, `tsconfig.${name}.json`),
      `${JSON.stringify({ compilerOptions: { ...BASE, ...options }, files }, null, 2)}\n`,
    );
  }

  // --ignore-scripts: none of these packages needs an install script (Nest's is an advert).
  const install = await run(
    'npm',
    ['install', '--no-audit', '--no-fund', '--prefer-offline', '--ignore-scripts', '--loglevel=error'],
    { cwd: project, env: childEnv(), timeout: 200_000 },
  );
  timings.install = install.seconds;
  timings.setup = (performance.now() - started) / 1000;
  console.log(
    `consumer project ready in ${timings.setup.toFixed(1)} s (pack ${timings.pack.toFixed(1)} s, npm install ${install.seconds.toFixed(1)} s): ${project}`,
  );
});

afterAll(() => {
  if (Object.keys(timings).length > 0)
    console.log(
      `consumers timings (s): ${Object.entries(timings)
        .map(([step, s]) => `${step} ${s.toFixed(1)}`)
        .join(', ')}`,
    );
  if (project && !process.env.KEEP_TEMP) rmSync(project, { recursive: true, force: true });
});

/** Every file below `dir`, relative to it, with / separators. */
function listFiles(dir: string, base = dir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? listFiles(join(dir, entry.name), base)
      : [relative(base, join(dir, entry.name)).split('\\').join('/')],
  );
}

describe('the packed tarballs', () => {
  it('are installed as real copies with only dist, README.md, LICENSE and package.json', () => {
    for (const { manifest } of published) {
      const installed = join(project, 'node_modules', manifest.name);
      expect(lstatSync(installed).isSymbolicLink(), `${manifest.name} must not be a link`).toBe(false);
      const files = listFiles(installed).sort();
      expect(files, manifest.name).toEqual(expect.arrayContaining(['LICENSE', 'README.md', 'package.json']));
      const besides = shippedBesidesDist(manifest);
      expect(
        files.filter((f) => !f.startsWith('dist/') && !besides.includes(f)),
        `${manifest.name} ships only what "files" lists`,
      ).toEqual([]);
      for (const file of exportedFiles(manifest.exports)) expect(files).toContain(file.replace(/^\.\//, ''));
    }
  });

  it('have every workspace: range replaced by a real version range', () => {
    for (const { manifest } of published) {
      const packed = readJson<Manifest>(join(project, 'node_modules', manifest.name, 'package.json'));
      const ranges = { ...packed.dependencies, ...packed.peerDependencies, ...packed.devDependencies };
      for (const [name, range] of Object.entries(ranges)) {
        expect(range, `${manifest.name} → ${name}`).not.toMatch(/^(workspace|catalog):/);
      }
      for (const [name, range] of Object.entries(manifest.peerDependencies ?? {})) {
        if (range === 'workspace:^') {
          const core = published.find((p) => p.manifest.name === name);
          expect(packed.peerDependencies?.[name], `${manifest.name} peer ${name}`).toBe(
            `^${core?.manifest.version}`,
          );
        } else if (/^workspace:\^\d/.test(range)) {
          // An explicit range (workspace:^0 while 0.x) is published as written.
          expect(packed.peerDependencies?.[name], `${manifest.name} peer ${name}`).toBe(
            range.slice('workspace:'.length),
          );
        }
      }
    }
  });
});

describe.concurrent('TypeScript consumers compile against the packed types', () => {
  it.each(Object.keys(VARIANTS))('tsconfig.%s.json', async (variant) => {
    const tsc = join(project, 'node_modules', 'typescript', 'bin', 'tsc');
    const result = await run(process.execPath, [tsc, '-p', `tsconfig.${variant}.json`], { cwd: project });
    timings[`tsc ${variant}`] = result.seconds;
    expect(result.stdout).toBe('');
  });
});

describe.concurrent('runtime consumers call the mock Zenoti', () => {
  it.each([
    ['esm', 'run.mjs', '.mjs'],
    ['cjs', 'run.cjs', '.cjs'],
  ])(
    '%s (%s) through core fetch, axios, Hono, Express, Fastify and Nest',
    async (format, entry, extension) => {
      const result = await run(process.execPath, [entry], { cwd: project, timeout: 60_000 });
      timings[`run ${format}`] = result.seconds;
      const out = JSON.parse(result.stdout.trim()) as {
        format: string;
        resolved: Record<string, string>;
        core: { status: number; centers: number; authorization: string };
        axios: unknown;
        hono: unknown;
        express: unknown;
        fastify: unknown;
        nest: unknown;
        redis: unknown;
        cloudflare: unknown;
        tokenCalls: unknown;
        requests: string[];
      };
      expect(out.format).toBe(format);
      // Node loaded the build that matches the consumer's module system, from the installed tarballs.
      for (const [name, file] of Object.entries(out.resolved)) {
        expect(file, name).toMatch(new RegExp(`^@zenoti-auth/${name.split('/')[0]}/dist/.*\\${extension}$`));
      }
      expect(out.core).toEqual({
        status: 200,
        centers: 3,
        authorization: expect.stringMatching(/^bearer …\S{4}$/),
      });
      expect(out.axios).toEqual({ status: 200, centers: 3, apiKeyStatus: 200 });
      expect(out.hono).toEqual({
        status: 200,
        body: { upstream: 200, centers: 3 },
        proxy: { status: 200, centers: 3 },
        signIn: { status: 200, body: { signedIn: true, userType: 'Guest' }, cookie: 'zenoti_session' },
      });
      expect(out.express).toEqual({
        status: 200,
        body: { upstream: 200, centers: 3 },
        proxy: { status: 200, centers: 3 },
        signIn: { status: 200, body: { signedIn: true, userType: 'Guest' }, cookie: 'zenoti_session' },
      });
      expect(out.fastify).toEqual({
        status: 200,
        body: { upstream: 200, centers: 3 },
        proxy: { status: 200, centers: 3 },
        signIn: { status: 200, body: { signedIn: true, userType: 'Guest' }, cookie: 'zenoti_session' },
      });
      expect(out.nest).toEqual({
        status: 200,
        centers: 3,
        mode: 'token',
        errorAnswer: {
          statusCode: 503,
          error: 'Service Unavailable',
          message: 'Zenoti could not be reached.',
          code: 'NETWORK',
        },
      });
      expect(out.redis).toEqual({ key: 'zenoti-auth:{k}', local: false, encrypted: true });
      expect(out.cloudflare).toEqual({
        store: {
          type: 'DurableObjectTokenStore',
          name: null,
          encrypted: true,
          lockTtlMs: 10_000,
          waitTimeoutMs: 30_000,
          callTimeoutMs: 5_000,
        },
        reused: true,
        budget: {
          type: 'DurableObjectRateBudget',
          name: 'zenoti-auth:rate-budget',
          limit: 60,
          intervalMs: 60_000,
        },
        object: 'function',
      });
      // core, the axios interceptor and Nest share one token: one password grant for the process; the
      // others are the guest's own sign-ins through Hono, Express and Fastify.
      expect(out.tokenCalls).toEqual({ password: 4, refresh: 0 });

      const D = createRequire(join(project, 'package.json'))('@zenoti-auth/mock-server').DEMO_CREDENTIALS as {
        apiKey: string;
        employeeApp: { appSecret: string };
        employee: { password: string };
        guestApp: { appSecret: string };
        guests: Array<{ password: string }>;
      };
      const bearer = out.core.authorization;
      const apikey = `apikey …${D.apiKey.slice(-4)}`;
      expect(out.requests).toEqual([
        'POST /v1/tokens 200 undefined',
        `GET /v1/centers 200 ${bearer}`, // core fetch
        `GET /v1/centers 200 ${bearer}`, // axios interceptor on the same engine
        `GET /v1/centers 200 ${apikey}`, // createZenotiAxios with an API key
        `GET /v1/centers 200 ${apikey}`, // Hono middleware
        `GET /v1/centers 200 ${apikey}`, // Hono proxy
        'POST /v1/tokens 200 undefined', // Hono sign-in: the guest's password grant
        `GET /v1/centers 200 ${apikey}`, // Express middleware
        `GET /v1/centers 200 ${apikey}`, // Express proxy
        'POST /v1/tokens 200 undefined', // Express sign-in: the guest's password grant
        `GET /v1/centers 200 ${apikey}`, // Fastify plugin
        `GET /v1/centers 200 ${apikey}`, // Fastify proxy
        'POST /v1/tokens 200 undefined', // Fastify sign-in: the guest's password grant
        `GET /v1/centers 200 ${bearer}`, // Nest's ZenotiHttpService
      ]);
      for (const secret of [D.apiKey, D.employeeApp.appSecret, D.employee.password, D.guestApp.appSecret]) {
        expect(result.stdout).not.toContain(secret);
        expect(result.stderr).not.toContain(secret);
      }
      for (const { password } of D.guests) expect(result.stdout).not.toContain(password);
    },
  );
});
