import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { D, onCleanup, REDIS_PORT, uniquePrefix, until, zenoti } from './support.ts';

const WORKER = fileURLToPath(new URL('./fixtures/stale-password-worker.mjs', import.meta.url));
/** A fleet of five: one rejected password each would lock the account at Zenoti's default of 5. */
const PROCESSES = 5;
const COOLDOWN_MS = 1_000;
/**
 * Tries come at 0 and 1 s (the cool-down doubles to 2 s after the second rejection): the run ends
 * half a second before the third, and half a second after the second.
 */
const RUN_MS = 2_500;

interface Report {
  codes: Record<string, number>;
}

function startWorker(config: Record<string, unknown>): {
  child: ChildProcess;
  ready: boolean;
  report?: Report;
} {
  const child = fork(WORKER, [], {
    env: { ...process.env, STALE_PASSWORD_WORKER: JSON.stringify(config) },
    execArgv: [],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const worker: { child: ChildProcess; ready: boolean; report?: Report } = { child, ready: false };
  child.on('message', (message: { type: string } & Report) => {
    if (message.type === 'ready') worker.ready = true;
    if (message.type === 'report') worker.report = { codes: message.codes };
  });
  onCleanup(async () => {
    child.kill('SIGKILL');
  });
  return worker;
}

describe('a fleet on one Redis with a stale password', () => {
  it('makes one rejected attempt per cool-down in all, not one per process: the account is never locked', async () => {
    // The mock locks a login after 5 rejected passwords within 15 minutes, as Zenoti does by default.
    const z = await zenoti();
    const prefix = uniquePrefix();
    const workers = Array.from({ length: PROCESSES }, (_, id) =>
      startWorker({
        id,
        url: z.url,
        redisPort: REDIS_PORT,
        prefix,
        password: 'a-stale-password',
        cooldownMs: COOLDOWN_MS,
        runMs: RUN_MS,
        everyMs: 50,
      }),
    );
    await until(() => workers.every((w) => w.ready), 20_000, 'the workers to connect');
    for (const worker of workers) worker.child.send({ type: 'start' });
    await until(() => workers.every((w) => w.report), 20_000, 'the workers to report');

    const counters = z.control.counters().token;
    const outcomes = workers.map((w) => w.report?.codes);
    console.log(`stale password, ${PROCESSES} processes for ${RUN_MS} ms:`, {
      rejectedAttempts: counters.password.rejected,
      outcomes,
    });
    expect(counters.password.rejected).toBe(2);
    expect(counters.lockouts).toBe(0);
    expect(z.control.lockoutStatus(D.accountName, D.employee.username)).toMatchObject({
      locked: false,
      failedAttempts: 2,
    });
    // Every process was told, fast, on every call: nothing but CREDENTIALS_REJECTED.
    for (const codes of outcomes) {
      expect(Object.keys(codes ?? {})).toEqual(['CREDENTIALS_REJECTED']);
      expect(codes?.CREDENTIALS_REJECTED).toBeGreaterThan(10);
    }
  });
});
