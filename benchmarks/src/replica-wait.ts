/**
 * #12: what `waitForReplicas` costs. One refresh's store work (take the lock, write the new set,
 * release the lock) on a Redis master with one replica, with `waitForReplicas: { replicas: 1 }`
 * (each SET NX and each write confirmed by WAIT) and without, in alternating rounds.
 */
import { RedisTokenStore } from '@zenoti-auth/redis';
import { freePorts, HOST, RedisProcess, redisCli, waitFor } from '@zenoti-auth/test-support/redis-topologies';
import { Redis } from 'ioredis';
import { alternate, type Benchmark, type BenchResult, fmt } from './harness.ts';

const ROUNDS = 10;
const REFRESHES_PER_ROUND = 100;

/** µs per refresh's store work through `store`. */
async function perRefresh(store: RedisTokenStore): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < REFRESHES_PER_ROUND; i++) {
    const lock = await store.lock('bench:lock', { ttlMs: 10_000 });
    if (!lock) throw new Error('the lock was not taken');
    const now = Date.now();
    await store.set(
      'bench',
      { accessToken: 'a', accessTokenExpiresAt: now + 60_000, obtainedAt: now, version: now + i },
      60_000,
    );
    await lock.release();
  }
  return ((performance.now() - started) * 1_000) / REFRESHES_PER_ROUND;
}

export const replicaWait: Benchmark = {
  id: 12,
  name: 'waitForReplicas cost',
  async run(): Promise<BenchResult> {
    const [master, replicaPort] = (await freePorts(2)) as [number, number];
    const servers = [
      new RedisProcess(master),
      new RedisProcess(replicaPort, ['--replicaof', HOST, String(master)]),
    ];
    const client = new Redis({ host: HOST, port: master, lazyConnect: true, maxRetriesPerRequest: 1 });
    client.on('error', () => undefined);
    try {
      for (const server of servers) await server.start();
      await waitFor(
        async () => (await redisCli(replicaPort, 'info', 'replication')).includes('master_link_status:up'),
        10_000,
        'the replica in sync',
      );
      await client.connect();
      const quiet = { onWarning: () => undefined };
      const plain = new RedisTokenStore({ client, prefix: 'bench-plain:', ...quiet });
      const confirmed = new RedisTokenStore({
        client,
        prefix: 'bench-wait:',
        waitForReplicas: { replicas: 1 },
        ...quiet,
      });
      await perRefresh(plain); // warm-up
      await perRefresh(confirmed);
      const { a, b, aRounds, bRounds } = await alternate(
        ROUNDS,
        () => perRefresh(confirmed),
        () => perRefresh(plain),
      );
      await plain.close();
      await confirmed.close();
      return {
        id: 12,
        name: 'one refresh’s store work (lock, write, release) with waitForReplicas: { replicas: 1 }',
        unit: 'µs',
        value: a,
        baselineName: 'without waitForReplicas',
        baseline: b,
        ratio: a / b,
        target: 'report the cost (PASS = it ran)',
        pass: true,
        notes: [
          `#12: a master and one replica on 127.0.0.1 (redis-server ${(await redisCli(master, 'info', 'server')).match(/redis_version:(\S+)/)?.[1] ?? '?'}), ioredis; ${ROUNDS} alternating rounds of ${REFRESHES_PER_ROUND} refreshes; medians. WAIT adds ${fmt(a - b)} µs per refresh (once per token, not per call). Rounds with WAIT: ${aRounds.map((x) => fmt(x)).join(', ')}; without: ${bRounds.map((x) => fmt(x)).join(', ')} µs.`,
        ],
      };
    } finally {
      client.disconnect();
      for (const server of servers) await server.kill();
    }
  },
};
