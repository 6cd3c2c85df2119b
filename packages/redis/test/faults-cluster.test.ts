import { RedisCluster, redisCli } from '@zenoti-auth/test-support/redis-topologies';
import { afterEach, describe, expect, it } from 'vitest';
import { expectPromisesKept, throughFault } from './fault-fleet.ts';

/*
 * Redis Cluster (3 masters, 3 replicas), each fault while a refresh is under way (issue 23): the
 * master that holds the identity's keys is killed, or handed over by CLUSTER FAILOVER. Half the fleet
 * uses ioredis' Cluster, half node-redis' createCluster().
 */

let cluster: RedisCluster | undefined;
afterEach(async () => {
  await cluster?.stop();
  cluster = undefined;
});

/** The identity's token-set key under `prefix`, found on whichever node holds it. */
async function identityKey(prefix: string): Promise<string> {
  for (const node of cluster?.nodes.filter((n) => n.running) ?? []) {
    const keys = (await redisCli(node.port, '--scan', '--pattern', `${prefix}{*`)).split('\n');
    const key = keys.find((k) => k.endsWith('}'));
    if (key) return key;
  }
  throw new Error(`no key under ${prefix}`);
}

/** The hash slot of each Redis key, as the first node that answers says (the killed one does not). */
async function slots(keys: string[]): Promise<number[]> {
  for (const node of cluster?.nodes.filter((n) => n.running) ?? []) {
    const answers = await Promise.all(
      keys.map((key) => redisCli(node.port, 'cluster', 'keyslot', key).catch(() => undefined)),
    );
    if (answers.every((a) => a !== undefined)) return answers.map(Number);
  }
  throw new Error('no cluster node answers');
}

describe('Redis Cluster', () => {
  it("kill the master that holds the identity's keys: no refresh token twice, no failed call", async () => {
    cluster = await RedisCluster.start();
    const topology = { kind: 'cluster' as const, nodes: cluster.rootNodes };
    let failover = { killed: 0, promoted: 0, failoverMs: 0 };
    let key = '';
    const figures = await throughFault({
      name: 'Cluster: kill the master of the identity',
      redis: topology,
      inject: async (prefix) => {
        key = await identityKey(prefix);
        failover = await (cluster as RedisCluster).killMasterOf(key);
        return failover.failoverMs;
      },
    });
    expectPromisesKept(figures, expect);
    expect(failover.promoted).not.toBe(failover.killed);
    // One identity's set, lock and guard share one hash slot (one master holds them all).
    const [set, lock, guard] = await slots([key, `${key}:lock`, `${key}:guard`]);
    expect(new Set([set, lock, guard]).size).toBe(1);
  }, 90_000);

  it('CLUSTER FAILOVER of that master: no refresh token twice, no failed call', async () => {
    cluster = await RedisCluster.start();
    const figures = await throughFault({
      name: 'Cluster: CLUSTER FAILOVER',
      redis: { kind: 'cluster', nodes: cluster.rootNodes },
      inject: async (prefix) =>
        (await (cluster as RedisCluster).failoverOf(await identityKey(prefix))).failoverMs,
    });
    expectPromisesKept(figures, expect);
  }, 90_000);
});
