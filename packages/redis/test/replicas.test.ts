import {
  freePorts,
  HOST,
  RedisCluster,
  RedisProcess,
  redisCli,
  waitFor,
} from '@zenoti-auth/test-support/redis-topologies';
import { Cluster } from 'ioredis';
import { createCluster } from 'redis';
import { describe, expect, it } from 'vitest';
import { tokenSet } from './contract.ts';
import { CLIENT_KINDS, client, ioredis, onCleanup, redisStore, uniquePrefix } from './support.ts';

/** The store's warnings other than the plain-text notice. */
const told = (warnings: string[]) => warnings.filter((w) => !w.includes('plain text'));

/** A master on a free port with one replica in sync; both stopped after the test. */
async function masterAndReplica(): Promise<{ master: number; replica: RedisProcess }> {
  const [master, replicaPort] = (await freePorts(2)) as [number, number];
  const primary = new RedisProcess(master);
  await primary.start();
  onCleanup(() => primary.kill());
  const replica = new RedisProcess(replicaPort, ['--replicaof', HOST, String(master)]);
  await replica.start();
  onCleanup(() => replica.kill());
  await waitFor(
    async () => (await redisCli(replicaPort, 'info', 'replication')).includes('master_link_status:up'),
    10_000,
    'the replica in sync',
  );
  return { master, replica };
}

describe.each(CLIENT_KINDS)('waitForReplicas (%s)', (kind) => {
  it('confirms the lock and each new set on a replica; an unconfirmed lock is given back', async () => {
    const { master, replica } = await masterAndReplica();
    const prefix = uniquePrefix(master);
    const { store, warnings } = redisStore({
      client: await client(kind, master),
      prefix,
      // Generous: a loaded machine may take a while to replicate (WAIT answers as soon as it has).
      commandTimeoutMs: 3_000,
      waitForReplicas: { replicas: 1, timeoutMs: 1_000 },
    });
    const lock = await store.lock('k:lock', { ttlMs: 10_000 });
    expect(lock).toBeDefined();
    await store.set('k', tokenSet(5), 60_000);
    // Once set() resolved, the replica has it (WAIT confirmed it).
    expect(await redisCli(replica.port, 'get', `${prefix}{k}`)).toContain('"v":5');
    await lock?.release();
    expect(told(warnings)).toEqual([]);

    await replica.kill(); // no replica confirms anything now
    expect(await store.lock('k:lock', { ttlMs: 10_000 })).toBeUndefined(); // not taken …
    expect(await redisCli(master, 'exists', `${prefix}{k}:lock`)).toBe('0'); // … and given back
    await store.set('k', tokenSet(6), 60_000); // used, with a warning
    expect(told(warnings)).toEqual([
      '[@zenoti-auth/redis] The refresh lock was confirmed by 0 of 1 replicas within 1000 ms (waitForReplicas): given back, and no refresh token is spent meanwhile.',
      '[@zenoti-auth/redis] A new token set was confirmed by 0 of 1 replicas within 1000 ms (waitForReplicas): a failover now could lose it.',
    ]);
    expect((await store.get('k'))?.version).toBe(6);
  });
});

describe('waitForReplicas on a Redis Cluster', () => {
  it('sends WAIT to the master of the key, with ioredis Cluster and node-redis createCluster', async () => {
    const cluster = await RedisCluster.start();
    onCleanup(() => cluster.stop());
    const io = new Cluster(cluster.rootNodes);
    io.on('error', () => undefined);
    onCleanup(async () => io.disconnect());
    const node = createCluster({ rootNodes: cluster.rootNodes.map((socket) => ({ socket })) });
    node.on('error', () => undefined);
    await node.connect();
    onCleanup(async () => node.destroy());
    for (const [name, c] of [
      ['ioredis', io],
      ['node-redis', node],
    ] as const) {
      const prefix = `zenoti-auth-test:${name}:`;
      const { store, warnings } = redisStore({
        client: c,
        prefix,
        commandTimeoutMs: 3_000,
        waitForReplicas: { replicas: 1, timeoutMs: 1_000 },
      });
      const lock = await store.lock('k:lock', { ttlMs: 10_000 });
      expect(lock).toBeDefined();
      const set = tokenSet(3);
      await store.set('k', set, 60_000);
      await lock?.release();
      expect(await store.get('k')).toEqual(set);
      // The master's replica has it (read there with READONLY: a replica otherwise answers MOVED).
      const replica = ioredis(await cluster.replicaOf(await cluster.masterOf(`${prefix}{k}`)));
      await replica.call('READONLY');
      expect(await replica.get(`${prefix}{k}`)).toContain('"v":3');
      expect(told(warnings)).toEqual([]);
    }
  }, 60_000);
});
