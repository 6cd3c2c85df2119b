import { describe, expect, it } from 'vitest';
import { reportsOf, startCalling, startFleetOf } from './fleet.ts';
import { D, REDIS_PORT, uniquePrefix, zenoti } from './support.ts';

/** A fleet of five: one rejected password each would lock the account at Zenoti's default of 5. */
const PROCESSES = 5;
const COOLDOWN_MS = 1_000;
/**
 * Tries come at 0 and 1 s (the cool-down doubles to 2 s after the second rejection): the run ends
 * half a second before the third, and half a second after the second.
 */
const RUN_MS = 2_500;

/** What each process met: error codes (and OK), by how often. */
interface Report {
  codes: Record<string, number>;
}

describe('a fleet on one Redis with a stale password', () => {
  it('makes one rejected attempt per cool-down in all, not one per process: the account is never locked', async () => {
    // The mock locks a login after 5 rejected passwords within 15 minutes, as Zenoti does by default.
    const z = await zenoti();
    const prefix = uniquePrefix();
    const workers = await startFleetOf<{ id: number }, Report>(
      'stale-password-worker.mjs',
      Array.from({ length: PROCESSES }, (_, id) => ({
        id,
        url: z.url,
        redisPort: REDIS_PORT,
        prefix,
        password: 'a-stale-password',
        cooldownMs: COOLDOWN_MS,
        runMs: RUN_MS,
        everyMs: 50,
      })),
    );
    startCalling(workers);
    const reports = await reportsOf(workers, 20_000);

    const counters = z.control.counters().token;
    const outcomes = reports.map((r) => r.codes);
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
