#!/usr/bin/env node
// CI check (issue 19, run by .ci/run after the build): the BUILT @zenoti-auth/core and
// @zenoti-auth/hono on Node, Bun and Deno. Starts the mock Zenoti (Node, on 127.0.0.1), runs
// check.mjs in each runtime, and fails loudly unless Node's report is the expected one and Bun's
// and Deno's are identical to it. Deno may reach 127.0.0.1 only and resolves packages from
// node_modules, Bun runs the ESM build.
// Bun and Deno (some 200 MB) are not in the workspace's install, which every user and `pnpm demo`
// pay for: BUN_BIN / DENO_BIN name their binaries, else npx fetches the pinned versions below
// once (`npx -y bun@…`, cached by npm afterwards). .ci/run runs it so.
// Usage: pnpm check:runtimes   (or BUN_BIN=/path/to/bun DENO_BIN=/path/to/deno pnpm check:runtimes)
import { execFile, execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { DEMO_CREDENTIALS as D, startMockZenoti } from '@zenoti-auth/mock-server';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = fileURLToPath(new URL('../..', import.meta.url));

/** The CI-only runtimes: the npm package npx fetches, and the variable that may name a binary instead. */
const PINNED = {
  bun: { spec: 'bun@1.4.4', env: 'BUN_BIN', execPath: ['-e', 'console.log(process.execPath)'] },
  deno: { spec: 'deno@2.9.6', env: 'DENO_BIN', execPath: ['eval', 'console.log(Deno.execPath())'] },
};

/** The binary of `name`: its variable when set, else the one npx fetched (asked for its own path). */
function bin(name) {
  const { spec, env, execPath } = PINNED[name];
  if (process.env[env]) return process.env[env];
  // pnpm's own npm_config_* settings make npm warn ("Unknown env config"): npx runs without them,
  // but with the registry, cache and user config a machine may set.
  const npmEnv = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => !/^npm_config_/i.test(k) || /^npm_config_(registry|cache|userconfig)$/i.test(k),
    ),
  );
  try {
    const out = execFileSync('npx', ['-y', spec, ...execPath], {
      encoding: 'utf8',
      env: npmEnv,
      timeout: 300_000,
    });
    return out.trim().split('\n').at(-1);
  } catch (error) {
    throw new Error(
      `runtimes: could not fetch ${spec} with npx (set ${env} to its binary): ${error.message}`,
    );
  }
}
const BINARIES = { bun: bin('bun'), deno: bin('deno') };

/** How each runtime runs check.mjs with its one argument. */
const RUNTIMES = {
  node: (arg) => [process.execPath, ['check.mjs', arg]],
  bun: (arg) => [BINARIES.bun, ['run', '--no-install', 'check.mjs', arg]],
  deno: (arg) => [
    BINARIES.deno,
    [
      'run',
      '--node-modules-dir=manual', // the packages pnpm installed: no download, no cache of its own
      '--no-remote',
      '--no-lock',
      '--no-prompt',
      '--allow-net=127.0.0.1', // the mock Zenoti and its own server, nothing else
      `--allow-read=${root}`, // the packages in node_modules (require() reads them)
      'check.mjs',
      arg,
    ],
  ],
};

/** What Node must report (the exports are pinned by each package's package.test.ts). */
function expectNode(report) {
  const problems = [];
  const expect = (what, actual, expected) => {
    if (!isDeepStrictEqual(actual, expected))
      problems.push(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  };
  expect('files imported', report.resolved, ['core/dist/index.mjs', 'hono/dist/index.mjs']);
  expect('engines recognised across copies', report.recognisesEngines, [
    true,
    true,
    false,
    false,
    false,
    false,
  ]);
  expect('API key call', report.core.apiKey, [200, true]);
  expect('service user call', report.core.token, [200, true]);
  expect('wrong password', report.core.wrongPassword, [true, 'CREDENTIALS_REJECTED']);
  expect('http answer of TIMEOUT', report.core.httpAnswer, 504);
  expect('Hono app', report.hono, [
    '200',
    200,
    404,
    JSON.stringify({ error: { code: 'NOT_FOUND', message: 'Not found.' } }),
    200,
    'zenoti_session',
  ]);
  for (const [entry, { esm, cjs }] of Object.entries(report.exports)) {
    if (esm.length === 0) problems.push(`${entry} exports nothing`);
    expect(`${entry} CJS exports`, cjs, esm);
  }
  return problems;
}

/** Where two reports differ: [path, value in a, value in b] for each differing leaf. */
function differences(a, b, path = 'report') {
  if (isDeepStrictEqual(a, b)) return [];
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return [[path, a, b]];
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].flatMap((key) => differences(a[key], b[key], `${path}.${key}`));
}

/** Runs check.mjs in `runtime`; resolves its report, with its version. */
function runIn(runtime, arg) {
  const [command, args] = RUNTIMES[runtime](arg);
  const env = { ...process.env, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1', DO_NOT_TRACK: '1' };
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd: here, env, timeout: 30_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${runtime}: ${error.message}\n${stdout}${stderr}`));
      else resolve(JSON.parse(stdout.trim().split('\n').at(-1)));
    });
  });
}

const version = (runtime) =>
  new Promise((resolve) => {
    const [command] = RUNTIMES[runtime]('');
    execFile(command, ['--version'], (_, stdout) => resolve(stdout.trim().split('\n')[0]));
  });

const started = Date.now();
const mock = await startMockZenoti(); // 127.0.0.1, a free port
const failures = [];
try {
  const arg = JSON.stringify({ url: mock.url, D });
  let reference;
  for (const runtime of Object.keys(RUNTIMES)) {
    const before = mock.control.counters().resources.total;
    let report;
    try {
      report = await runIn(runtime, arg);
    } catch (error) {
      failures.push(error.message);
      continue;
    }
    const calls = mock.control.counters().resources.total - before;
    if (runtime === 'node') {
      reference = report;
      failures.push(...expectNode(report).map((problem) => `node: ${problem}`));
    } else {
      for (const [path, theirs, ours] of differences(report, reference))
        failures.push(
          `${runtime} differs from node at ${path}: ${JSON.stringify(theirs)} vs ${JSON.stringify(ours)}`,
        );
    }
    if (calls < 4)
      failures.push(`${runtime}: the mock Zenoti saw ${calls} resource calls, expected at least 4`);
    console.log(
      `runtimes: ${runtime} (${await version(runtime)}): ${calls} calls to the mock, report ${runtime === 'node' || isDeepStrictEqual(report, reference) ? 'as expected' : 'DIFFERENT'}`,
    );
  }
} finally {
  await mock.close();
}
console.log(`runtimes: ${((Date.now() - started) / 1000).toFixed(1)} s`);
if (failures.length > 0) {
  console.error(`runtimes: FAILED\n${failures.join('\n')}`);
  process.exit(1);
}
console.log('runtimes: core and hono behave on Bun and Deno exactly as on Node');
