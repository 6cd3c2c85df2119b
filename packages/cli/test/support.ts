import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { testResources } from '@zenoti-auth/test-support';
import { Redis } from 'ioredis';
import { expect } from 'vitest';

export {
  D,
  DEMO_GUEST_PASSWORDS,
  DEMO_ORG_SECRETS,
  serviceUserEnv,
  serviceUserLogin,
} from '@zenoti-auth/test-support';

/** Everything a test opened, closed after it (newest first, best effort). */
const opened = testResources({ order: 'newest-first', ignoreErrors: true });
export const onCleanup = opened.onCleanup;
/** A mock Zenoti on a free loopback port, closed after the test. Rate limit off unless asked for. */
export const zenoti = opened.zenoti;

/** The command as users run it: the committed launcher, which imports the built dist/cli.mjs. */
export const BIN = fileURLToPath(new URL('../bin/zenoti-auth.mjs', import.meta.url));

/** The mock's own command, `zenoti-mock` (for `--print-env`). */
export const MOCK_BIN = join(
  dirname(createRequire(import.meta.url).resolve('@zenoti-auth/mock-server/package.json')),
  'bin',
  'zenoti-mock.mjs',
);

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `node <bin> …args` as a child process with only `env` (and PATH) as its environment, so no
 * variable of the test runner leaks into what is checked. Resolves whatever the exit code.
 */
export function runNode(bin: string, args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [bin, ...args],
      { env: { PATH: process.env.PATH ?? '', ...env }, timeout: 20_000, encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') reject(error);
        else resolve({ code: error ? (error.code as number) : 0, stdout, stderr });
      },
    );
  });
}

export const cli = (args: string[], env: Record<string, string> = {}): Promise<Run> =>
  runNode(BIN, args, env);

/** Fails when any of `secrets` appears in what the command printed, on either stream. */
export function expectNoSecrets(run: Run, secrets: readonly string[]): void {
  for (const secret of secrets) {
    expect(secret.length, 'a secret to look for').toBeGreaterThan(3);
    expect(run.stdout, 'stdout').not.toContain(secret);
    expect(run.stderr, 'stderr').not.toContain(secret);
  }
  // Every token the mock issues starts `AN:<account>|$ARD#` (access and refresh tokens alike).
  expect(`${run.stdout}${run.stderr}`).not.toContain('$ARD#');
}

// ── Redis ────────────────────────────────────────────────────────────────────────────────────────

export const REDIS_URL = 'redis://127.0.0.1:6379';

/** An ioredis client on 127.0.0.1:6379, closed after the test. */
export function ioredis(): Redis {
  const client = new Redis({ host: '127.0.0.1', port: 6379, maxRetriesPerRequest: 1 });
  client.on('error', () => undefined);
  onCleanup(async () => client.disconnect());
  return client;
}

/** A prefix no other test (or run) uses; its keys are deleted after the test. */
export function uniquePrefix(): string {
  const prefix = `zenoti-cli-test:${randomUUID()}:`;
  onCleanup(async () => {
    const admin = new Redis({ host: '127.0.0.1', port: 6379, maxRetriesPerRequest: 1 });
    admin.on('error', () => undefined);
    try {
      const keys = await admin.keys(`${prefix}*`);
      if (keys.length > 0) await admin.del(...keys);
    } finally {
      admin.disconnect();
    }
  });
  return prefix;
}
