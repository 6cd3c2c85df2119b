/**
 * #11: a fleet through a failover, today and on the commit before issue 23 (the same fleet worker,
 * copied into a built checkout of that commit). Each side: 4 processes × 3 callers on ioredis, one
 * RedisTokenStore and one RedisRateBudget, tokens of 1.5 s; the master is killed the moment a
 * process has taken the refresh lock. The mock counts refresh tokens it sees a second time and ends
 * the session on reuse (as Zenoti may).
 */
import {
  type Fault,
  type FaultFigures,
  type FaultFleetOptions,
  throughFault,
} from '@zenoti-auth/test-support/fault-fleet';
import {
  RedisCluster,
  RedisSentinel,
  redisCli,
  SENTINEL_NAME,
} from '@zenoti-auth/test-support/redis-topologies';
import { BEFORE_ISSUE_23, baselineCheckout, fleetWorkerIn } from './baseline.ts';
import { FLEET_WORKER } from './fleets.ts';
import { type Benchmark, type BenchResult, fmt } from './harness.ts';

interface Scenario {
  name: string;
  /** Starts the topology; resolves the fault and what stops the topology. */
  start(): Promise<{ fault: Fault; stop(): Promise<void> }>;
}

/** The identity's token-set key under `prefix`, on whichever node holds it. */
async function identityKey(cluster: RedisCluster, prefix: string): Promise<string> {
  for (const node of cluster.nodes.filter((n) => n.running)) {
    const keys = (await redisCli(node.port, '--scan', '--pattern', `${prefix}*`)).split('\n');
    // Today's keys are prefix{key}; the older commit's prefix + key (no hash tag).
    const key = keys.find((k) => k && !/lock|guard|rate-budget/.test(k));
    if (key) return key;
  }
  throw new Error(`no key under ${prefix}`);
}

const SCENARIOS: Scenario[] = [
  {
    name: "Cluster (3 masters + 3 replicas): kill the identity's master",
    async start() {
      const cluster = await RedisCluster.start();
      return {
        fault: {
          name: 'cluster kill',
          redis: { kind: 'cluster', nodes: cluster.rootNodes },
          inject: async (prefix) =>
            (await cluster.killMasterOf(await identityKey(cluster, prefix))).failoverMs,
        },
        stop: () => cluster.stop(),
      };
    },
  },
  {
    name: 'Sentinel (1 master + 1 replica, 3 sentinels): kill the master',
    async start() {
      const sentinel = await RedisSentinel.start();
      return {
        fault: {
          name: 'sentinel kill',
          redis: { kind: 'sentinel', sentinels: sentinel.sentinelNodes, name: SENTINEL_NAME },
          inject: async () => (await sentinel.killMaster()).failoverMs,
        },
        stop: () => sentinel.stop(),
      };
    },
  },
];

/** One side of one scenario on a topology of its own. */
async function side(scenario: Scenario, options: FaultFleetOptions): Promise<FaultFigures> {
  const { fault, stop } = await scenario.start();
  try {
    return await throughFault(fault, options);
  } finally {
    await stop();
  }
}

const summary = (f: FaultFigures | undefined): string =>
  f === undefined
    ? 'not measured'
    : `served ${f.requests - Object.values(f.callerErrors).reduce((a, b) => a + b, 0)} of ${f.requests} calls, failed ${JSON.stringify(f.callerErrors)}, refresh tokens sent twice ${f.refreshTokensReused} (sessions ended ${f.sessionsEnded}), password grants ${f.passwordGrants} (extra ${Math.max(0, f.passwordGrants - 1)}), refresh grants ${f.refreshGrants}, longest gap without a served call ${fmt(f.longestGapMs)} ms (failover ${fmt(f.faultMs)} ms), 429s ${f.rateLimited}, requests with a dead token ${f.deadTokenRequests}`;

export const failover: Benchmark = {
  id: 11,
  name: 'a fleet through a failover',
  async run(): Promise<BenchResult[]> {
    const ioredis = { client: () => 'ioredis' as const };
    let before: string | undefined;
    let why = '';
    try {
      before = fleetWorkerIn(await baselineCheckout(BEFORE_ISSUE_23));
    } catch (error) {
      why = (error as Error).message.slice(0, 300);
    }
    const results: BenchResult[] = [];
    for (const scenario of SCENARIOS) {
      const now = await side(scenario, { worker: FLEET_WORKER, ...ioredis });
      const then = before
        ? await side(scenario, { worker: before, fleetSize: false, ...ioredis })
        : undefined;
      const failed = Object.values(now.callerErrors).reduce((a, b) => a + b, 0);
      results.push({
        id: 11,
        name: `${scenario.name}: refresh tokens sent twice`,
        unit: 'refresh tokens',
        value: now.refreshTokensReused,
        baselineName: `commit ${BEFORE_ISSUE_23} (before issue 23)`,
        baseline: then?.refreshTokensReused ?? Number.NaN,
        ratio: then ? now.refreshTokensReused / Math.max(1, then.refreshTokensReused) : Number.NaN,
        target: '0, no failed call, served again within the failover + 2 s',
        pass: now.refreshTokensReused === 0 && failed === 0 && now.longestGapMs <= now.faultMs + 2_000,
        notes: [
          `#11 ${scenario.name}, today: ${summary(now)}.`,
          `#11 ${scenario.name}, ${BEFORE_ISSUE_23}: ${then ? summary(then) : `not measured (${why})`}.`,
        ],
      });
    }
    results[0]?.notes.unshift(
      '#11: 4 processes × 3 callers (think time 100 ms) on ioredis, RedisTokenStore + RedisRateBudget (40 per 1 s; today with fleetSize 4), access tokens of 1.5 s, the master killed the moment a process has taken the refresh lock, 6 s run after the failover; the mock ends a session whose refresh token is sent twice. The older commit runs the same worker script from a built checkout of it (node_modules/.cache/zenoti-auth-baseline).',
    );
    return results;
  },
};
