#!/usr/bin/env node
// CI check (run by .ci/run): a new user's install and build are quiet. In a fresh copy of the
// repository (tracked files only: no node_modules, no dist), offline from the warm pnpm store:
//   1. `pnpm install --frozen-lockfile` prints no "Failed to create bin" (and no other WARN);
//   2. building @zenoti-auth/mock-server prints no PLUGIN_TIMINGS block (nor any other warning),
//      and its `zenoti-mock` command, linked by that install, then runs;
//   3. its packed package.json depends on caret ranges of hono and @hono/node-server, so that a
//      Hono app shares its copy of Hono.
// Exits 1 naming what was printed. Usage: pnpm check:quiet-install [--keep]
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const keep = process.argv.includes('--keep');
const failures = [];
/** The pnpm that runs this script (`pnpm run` sets npm_execpath), else the one on the PATH. */
const execPath = process.env.npm_execpath ?? '';
const pnpm = (...args) =>
  /pnpm/.test(execPath) && /\.c?js$/.test(execPath)
    ? [process.execPath, [execPath, ...args]]
    : ['pnpm', args];

/** Runs a command in `cwd`; returns its stdout and stderr together. Throws (with them) when it fails. */
function run(cwd, command, args) {
  const started = Date.now();
  const result = spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, CI: 'true', FORCE_COLOR: '0', NO_COLOR: '1', TURBO_TELEMETRY_DISABLED: '1' },
    maxBuffer: 64 * 1024 * 1024,
  });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  const label = [command, ...args]
    .filter((part) => part !== process.execPath)
    .map((part) => (/pnpm\.c?js$/.test(part) ? 'pnpm' : part.replace(`${copy}/`, '')))
    .join(' ');
  console.log(`  ${label}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (result.status !== 0) throw new Error(`${label} failed (${result.status}):\n${output}`);
  return output;
}

/**
 * Fails the check when lines of `output` match `pattern` (and none of `reported`, already named
 * by an earlier check): prints those lines.
 */
function expectNone(output, pattern, what, reported = []) {
  const lines = output
    .split('\n')
    .filter((line) => pattern.test(line) && !reported.some((known) => known.test(line)));
  if (lines.length > 0) failures.push(`${what}:\n${lines.map((l) => `    ${l}`).join('\n')}`);
}

/** A copy of the repository's tracked (and new, not ignored) files, as a fresh clone has them. */
function freshCopy() {
  const dir = mkdtempSync(join(tmpdir(), 'zenoti-quiet-install-'));
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: root,
    encoding: 'utf8',
  })
    .split('\0')
    .filter(Boolean);
  for (const file of files) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    try {
      cpSync(join(root, file), join(dir, file));
    } catch (error) {
      if (error.code !== 'ENOENT') throw error; // deleted in the work tree, not yet in git
    }
  }
  return dir;
}

const started = Date.now();
const copy = freshCopy();
try {
  console.log(`quiet install: fresh copy in ${copy}`);
  const install = run(copy, ...pnpm('install', '--frozen-lockfile', '--offline', '--ignore-scripts'));
  expectNone(install, /Failed to create bin/i, 'pnpm install printed "Failed to create bin"');
  expectNone(install, /\bWARN\b/, 'pnpm install printed another warning', [/Failed to create bin/i]);

  const build = run(copy, ...pnpm('--filter', '@zenoti-auth/mock-server', 'build'));
  expectNone(build, /PLUGIN_TIMINGS/, 'the build printed a PLUGIN_TIMINGS block');
  expectNone(build, /\[[A-Z_]+\] Warning|\bWARN\b/, 'the build printed another warning', [/PLUGIN_TIMINGS/]);

  // The command that install linked into a dependent package, before dist existed, runs now.
  const bin = join(copy, 'packages/core/node_modules/.bin/zenoti-mock');
  if (!existsSync(bin)) failures.push('pnpm install linked no zenoti-mock command into packages/core');
  else if (!/Usage: zenoti-mock/.test(run(copy, bin, ['--help'])))
    failures.push('zenoti-mock --help printed no usage');

  const packDir = join(copy, 'packed');
  run(join(copy, 'packages/mock-server'), ...pnpm('pack', '--pack-destination', packDir));
  const [tarball] = readdirSync(packDir);
  const manifest = JSON.parse(
    execFileSync('tar', ['-xOzf', join(packDir, tarball), 'package/package.json'], { encoding: 'utf8' }),
  );
  for (const name of ['hono', '@hono/node-server']) {
    const range = manifest.dependencies?.[name];
    if (!/^\^\d/.test(range ?? ''))
      failures.push(`the packed mock-server depends on ${name} ${JSON.stringify(range)}, not a caret range`);
  }
} finally {
  if (!keep) rmSync(copy, { recursive: true, force: true });
}

console.log(`quiet install: ${((Date.now() - started) / 1000).toFixed(1)} s`);
if (failures.length > 0) {
  console.error(`quiet install: FAILED\n  ${failures.join('\n  ')}`);
  process.exit(1);
}
console.log('quiet install: ok (no bin warning, no PLUGIN_TIMINGS, caret ranges for hono)');
