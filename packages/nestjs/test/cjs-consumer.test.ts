import { execFile } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { D, SECRETS, zenoti } from './support.ts';

const exec = promisify(execFile);

/** execFile that, on failure, says what the command printed. */
async function run(
  file: string,
  args: string[],
  options: { cwd: string; timeout?: number; env?: NodeJS.ProcessEnv },
): Promise<{ stdout: string; stderr: string }> {
  try {
    return await exec(file, args, { ...options, encoding: 'utf8' });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`${[file, ...args].join(' ')} failed:\n${stdout ?? ''}\n${stderr ?? ''}`);
  }
}
const require = createRequire(import.meta.url);
const fixture = fileURLToPath(new URL('./fixtures/cjs-consumer/', import.meta.url));

/** The directory of an installed package, as this package (or the Nest 12 job's project) resolves it. */
function packageDir(name: string): string {
  try {
    return dirname(require.resolve(`${name}/package.json`));
  } catch {
    // Packages whose "exports" hide package.json: walk up from the entry point.
    let dir = dirname(require.resolve(name));
    while (
      !existsSync(join(dir, 'package.json')) ||
      JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name !== name
    ) {
      const parent = dirname(dir);
      if (parent === dir) throw new Error(`cannot find the directory of ${name}`);
      dir = parent;
    }
    return dir;
  }
}

const LINKED = [
  '@zenoti-auth/nestjs',
  '@zenoti-auth/core',
  '@zenoti-auth/axios',
  '@nestjs/common',
  '@nestjs/core',
  '@nestjs/axios',
  'axios',
  'rxjs',
  'reflect-metadata',
  '@types/node',
];

/** `module: node16` forbids require() of an ESM-only package such as Nest 12 (a TypeScript rule, not ours);
 * `module: node20` models Node's require(esm), and `commonjs` + node10 does not look. */
const nestIsEsmOnly =
  JSON.parse(readFileSync(join(packageDir('@nestjs/common'), 'package.json'), 'utf8')).type === 'module';
const VARIANTS = nestIsEsmOnly ? ['node10', 'node20'] : ['node10', 'node16', 'node20'];

let dir = '';
beforeAll(async () => {
  // One CommonJS project: the fixture, a `type: commonjs` package.json, node_modules links; compiled
  // once per tsconfig (concurrently) into out-<variant>.
  dir = mkdtempSync(join(tmpdir(), 'zenoti-nest-cjs-'));
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'cjs-consumer', private: true, type: 'commonjs' }),
  );
  for (const file of readdirSync(fixture)) copyFileSync(join(fixture, file), join(dir, file));
  for (const name of LINKED) {
    const link = join(dir, 'node_modules', name);
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(packageDir(name), link, 'dir');
  }
  const tsc = join(packageDir('typescript'), 'bin', 'tsc');
  await Promise.all(
    VARIANTS.map((variant) =>
      run(
        process.execPath,
        [tsc, '-p', join(dir, `tsconfig.${variant}.json`), '--outDir', join(dir, `out-${variant}`)],
        {
          cwd: dir,
        },
      ),
    ),
  );
}, 60_000);

afterAll(() => {
  if (dir && !process.env.KEEP_TEMP) rmSync(dir, { recursive: true, force: true });
});

describe('a CommonJS Nest consumer compiled with tsc', () => {
  it.each(VARIANTS)(
    'compiled with tsconfig.%s.json against dist, boots against the mock',
    async (variant) => {
      const mock = await zenoti();
      const main = join(dir, `out-${variant}`, 'main.js');
      const compiled = readFileSync(main, 'utf8');
      expect(compiled).toContain('require("@zenoti-auth/nestjs")');
      expect(compiled).toContain('require("@zenoti-auth/nestjs/http")');
      expect(compiled).toContain('require("@zenoti-auth/nestjs/errors")');
      // Injection by type: the metadata names the classes themselves, not `Function` or `Object`.
      expect(compiled).toMatch(
        /"design:paramtypes", \[core_\d\.ZenotiAuth,\s*http_\d\.ZenotiHttpService,\s*core_\d\.ZenotiAuth\]\)/,
      );

      const { stdout } = await run(process.execPath, [main], {
        cwd: dir,
        timeout: 30_000,
        env: {
          PATH: process.env.PATH ?? '',
          ZENOTI_BASE_URL: mock.url,
          ZENOTI_ACCOUNT_NAME: D.accountName,
          ZENOTI_APP_ID: D.employeeApp.appId,
          ZENOTI_APP_SECRET: D.employeeApp.appSecret,
          ZENOTI_USERNAME: D.employee.username,
          ZENOTI_PASSWORD: D.employee.password,
          ZENOTI_API_KEY: D.apiKey,
        },
      });
      const result = JSON.parse(stdout.trim()) as Record<string, unknown>;
      expect(result).toMatchObject({
        commonjs: true,
        mode: 'token',
        centers: 3,
        keyedStatus: 200,
        networkStatus: 503,
      });
      const centers = mock.control.requests().filter((r) => r.path === '/v1/centers');
      expect(centers.map((r) => r.authorization)).toEqual([
        result.authorization,
        `apikey …${D.apiKey.slice(-4)}`,
      ]);
      expect(mock.control.counters().token.password.ok).toBe(1);
      for (const secret of SECRETS) expect(stdout).not.toContain(secret);
    },
  );
});
