/**
 * #9's row on tokens: a fleet of service users on one healthy Redis, paced by one RedisRateBudget
 * (the load is above the limit, so calls wait for permits while tokens are refreshed every ~1.1 s),
 * counting the requests Zenoti got with a token that was no longer live. Today a call takes its
 * permit before it reads its token; the commit before issue 23 read it first.
 */
import { throughFault } from '@zenoti-auth/test-support/fault-fleet';
import { freePorts, RedisProcess } from '@zenoti-auth/test-support/redis-topologies';
import { BEFORE_ISSUE_23, baselineCheckout, fleetWorkerIn } from './baseline.ts';
import { FLEET_WORKER } from './fleets.ts';
import type { BenchResult } from './harness.ts';

/** Requests sent with a dead token and calls served, by one fleet run on `worker`. */
async function deadTokens(worker: string, fleetSize: boolean): Promise<{ dead: number; served: number }> {
  const [port] = await freePorts(1);
  const redis = new RedisProcess(port as number);
  await redis.start();
  try {
    const f = await throughFault(
      { name: 'healthy', redis: { kind: 'single', port: port as number }, inject: async () => 0 },
      { worker, fleetSize, client: () => 'ioredis', afterMs: 6_000 },
    );
    const failed = Object.values(f.callerErrors).reduce((a, b) => a + b, 0);
    return { dead: f.deadTokenRequests, served: f.requests - failed };
  } finally {
    await redis.kill();
  }
}

export async function deadTokenRow(): Promise<BenchResult> {
  const now = await deadTokens(FLEET_WORKER, true);
  let then: { dead: number; served: number } | undefined;
  let why = '';
  try {
    then = await deadTokens(fleetWorkerIn(await baselineCheckout(BEFORE_ISSUE_23)), false);
  } catch (error) {
    why = (error as Error).message.slice(0, 300);
  }
  return {
    id: 9,
    name: '4 service-user processes × 3 callers, one RedisRateBudget (40 per 1 s), tokens of 1.5 s: requests sent with a dead token',
    unit: 'requests',
    value: now.dead,
    baselineName: `commit ${BEFORE_ISSUE_23} (before issue 23)`,
    baseline: then?.dead ?? Number.NaN,
    ratio: then ? now.dead / Math.max(1, then.dead) : Number.NaN,
    target: '0',
    pass: now.dead === 0,
    notes: [
      `#9 dead tokens: today ${now.dead} requests with a dead token for ${now.served} calls served; ${BEFORE_ISSUE_23}: ${then ? `${then.dead} for ${then.served}` : `not measured (${why})`}. The mock counts a 401 for a bearer token that is not live (resources.deadToken); core retries each once.`,
    ],
  };
}
