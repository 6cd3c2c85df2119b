/**
 * An earlier commit of this repository, checked out and built beside it, so that a benchmark can
 * measure the same fleet on the code before a change, in the same run (#9's dead tokens, #11).
 * The checkout is a git worktree under node_modules/.cache (ignored everywhere), installed from the
 * package store and built once, then reused by every later run.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The last commit before issue 23 (the fleet rule, permit before token, topologies). */
export const BEFORE_ISSUE_23 = '0340331';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function run(command: string, args: string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      {
        cwd,
        timeout: 600_000,
        maxBuffer: 32 * 1024 * 1024,
        env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' },
      },
      (error, stdout, stderr) =>
        error
          ? reject(new Error(`${command} ${args.join(' ')} failed: ${stderr.slice(-600) || error.message}`))
          : resolve(stdout),
    );
  });
}

/** pnpm as this run was started with (`pnpm bench`), else the pinned one through npx. */
function pnpm(args: string[], cwd: string): Promise<string> {
  const execPath = process.env.npm_execpath;
  if (execPath && /pnpm/.test(execPath))
    return /\.c?js$/.test(execPath)
      ? run(process.execPath, [execPath, ...args], cwd)
      : run(execPath, args, cwd);
  return run('npx', ['-y', 'pnpm@10.34.8', ...args], cwd);
}

/** The root of a built checkout of `commit` (made the first time). Throws why it could not be made. */
export async function baselineCheckout(commit: string): Promise<string> {
  const dir = join(ROOT, 'node_modules', '.cache', 'zenoti-auth-baseline', commit);
  const ready = join(dir, '.zenoti-baseline-ready');
  if (existsSync(ready)) return dir;
  if (existsSync(dir)) {
    await run('git', ['worktree', 'remove', '--force', dir], ROOT).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
  await run('git', ['worktree', 'prune'], ROOT);
  mkdirSync(dirname(dir), { recursive: true });
  await run('git', ['worktree', 'add', '--detach', dir, commit], ROOT);
  await pnpm(['install', '--frozen-lockfile', '--prefer-offline', '--ignore-scripts'], dir);
  await run(join(dir, 'node_modules', '.bin', 'turbo'), ['run', 'build', '--filter=./packages/*'], dir);
  writeFileSync(ready, `${new Date().toISOString()}\n`);
  return dir;
}

/** Today's fleet worker and what it imports by a relative path, as paths from the repository's root. */
const FLEET_WORKER_FILES = [
  'packages/redis/test/fixtures/fleet-worker.mjs',
  'packages/redis/test/fixtures/redis-clients.mjs',
  'tools/test-support/src/fleet-process.mjs',
];

/**
 * A copy of today's fleet worker (and the files it imports by a relative path, at the same places)
 * inside the checkout at `root`, where its bare imports resolve to that checkout's packages.
 * Resolves the copy's path.
 */
export function fleetWorkerIn(root: string): string {
  for (const file of FLEET_WORKER_FILES) {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    copyFileSync(join(ROOT, file), join(root, file));
  }
  return join(root, FLEET_WORKER_FILES[0] as string);
}
