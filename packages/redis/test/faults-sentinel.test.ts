import { RedisSentinel, SENTINEL_NAME } from '@zenoti-auth/test-support/redis-topologies';
import { afterEach, describe, expect, it } from 'vitest';
import { expectPromisesKept, throughFault } from './fault-fleet.ts';

/*
 * Redis Sentinel (1 master, 1 replica, 3 sentinels), each fault while a refresh is under way (issue
 * 23): the master is killed, or handed over by SENTINEL FAILOVER (which leaves the old master
 * writable for a moment). Half the fleet uses ioredis (sentinels, failoverDetector), half node-redis'
 * createSentinel().
 */

let sentinel: RedisSentinel | undefined;
afterEach(async () => {
  await sentinel?.stop();
  sentinel = undefined;
});

const topology = (s: RedisSentinel) => ({
  kind: 'sentinel' as const,
  sentinels: s.sentinelNodes,
  name: SENTINEL_NAME,
});

describe('Redis Sentinel', () => {
  it('kill the master: no refresh token twice, no failed call', async () => {
    sentinel = await RedisSentinel.start();
    const figures = await throughFault({
      name: 'Sentinel: kill the master',
      redis: topology(sentinel),
      inject: async () => (await (sentinel as RedisSentinel).killMaster()).failoverMs,
    });
    expectPromisesKept(figures, expect);
  }, 90_000);

  it('SENTINEL FAILOVER: no refresh token twice, no failed call', async () => {
    sentinel = await RedisSentinel.start();
    const figures = await throughFault({
      name: 'Sentinel: SENTINEL FAILOVER',
      redis: topology(sentinel),
      inject: async () => (await (sentinel as RedisSentinel).failover()).failoverMs,
    });
    expectPromisesKept(figures, expect);
  }, 90_000);
});
