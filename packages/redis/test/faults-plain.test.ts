import { RedisProcess, redisCli, StallProxy } from '@zenoti-auth/test-support/redis-topologies';
import { afterEach, describe, expect, it } from 'vitest';
import { expectPromisesKept, throughFault } from './fault-fleet.ts';
import { freePort } from './redis-server.ts';

/*
 * Faults of a plain Redis, each while a refresh is under way (issue 23): a restart without
 * persistence, FLUSHALL, and network stalls (a proxy that holds every byte) of the whole fleet and
 * of the half that holds the refresh lock.
 */

let stop: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.allSettled(stop.map((close) => close()));
  stop = [];
});

/** A Redis of the test's own, and two proxies in front of it: processes 0, 1 use the first, 2, 3 the second. */
async function plainRedis() {
  const server = new RedisProcess(await freePort());
  await server.start();
  const proxies = [await StallProxy.start(server.port), await StallProxy.start(server.port)];
  stop.push(async () => {
    for (const proxy of proxies) await proxy.close();
    await server.kill();
  });
  const redis = (id: number) => ({
    kind: 'single' as const,
    port: (proxies[id < 2 ? 0 : 1] as StallProxy).port,
  });
  const stall = async (ms: number, which = proxies) => {
    const started = Date.now();
    await Promise.all(which.map((proxy) => proxy.stall(ms)));
    return Date.now() - started;
  };
  return { server, proxies, redis, stall };
}

const timed = async (fault: () => Promise<unknown>): Promise<number> => {
  const started = Date.now();
  await fault();
  return Date.now() - started;
};

describe('a plain Redis', () => {
  it('restarted without persistence while a refresh runs: no refresh token twice, no failed call', async () => {
    const { server, redis } = await plainRedis();
    const figures = await throughFault({
      name: 'restart without persistence',
      redis,
      inject: () =>
        timed(async () => {
          await server.kill();
          await server.start();
        }),
    });
    expectPromisesKept(figures, expect);
  }, 60_000);

  it('FLUSHALL while a refresh runs: no refresh token twice, no failed call', async () => {
    const { server, redis } = await plainRedis();
    const figures = await throughFault({
      name: 'FLUSHALL',
      redis,
      inject: () => timed(() => redisCli(server.port, 'flushall')),
    });
    expectPromisesKept(figures, expect);
  }, 60_000);

  it.each([5_000, 15_000])(
    'stalled %i ms for every process while a refresh runs',
    async (ms) => {
      const { redis, stall } = await plainRedis();
      const figures = await throughFault({
        name: `${ms / 1_000} s stall of every process`,
        redis,
        inject: () => stall(ms),
      });
      expectPromisesKept(figures, expect);
    },
    90_000,
  );

  it('stalled 5 s for the half of the fleet that holds the refresh lock: the others are served without waiting', async () => {
    const { proxies, redis, stall } = await plainRedis();
    const figures = await throughFault({
      name: '5 s stall of the lock holder and one more process',
      redis,
      inject: (_, holder) => stall(5_000, [proxies[holder < 2 ? 0 : 1] as StallProxy]),
    });
    expectPromisesKept(figures, expect, 2);
  }, 60_000);
});
