import { inspect } from 'node:util';
import ClusterAllFailedError from 'ioredis/built/errors/ClusterAllFailedError.js';
import { ClientClosedError, createClient, ErrorReply, RootNodesUnavailableError } from 'redis';

const NodeRedisErrors = { ErrorReply, ClientClosedError, RootNodesUnavailableError };

import { describe, expect, it } from 'vitest';
import { causeOf } from '../src/cause.ts';
import { Health } from '../src/health.ts';
import type { RedisClientLike } from '../src/index.ts';
import { RedisRateBudget } from '../src/rate-budget.ts';
import { freePort, PrivateRedis, silentServer } from './redis-server.ts';
import {
  CLIENT_KINDS,
  type ClientKind,
  ioredis,
  onCleanup,
  REDIS_HOST,
  redisStore,
  sleep,
  uniquePrefix,
  until,
} from './support.ts';

const PASSWORD = 'pa55-word-of-the-private-redis';

/** A client of `kind` on `port` that is not awaited: it may never connect. Closed after the test. */
function connecting(kind: ClientKind, port: number, password?: string): RedisClientLike {
  if (kind === 'ioredis') return ioredis(port, { password, retryStrategy: () => 50 });
  const client = createClient({
    socket: { host: REDIS_HOST, port, reconnectStrategy: () => 50 },
    ...(password ? { password } : {}),
  });
  client.connect().catch(() => undefined);
  onCleanup(async () => client.destroy());
  return client;
}

/** The STORE error a call rejects with, and everything it shows. */
async function failure(call: () => Promise<unknown>): Promise<{ message: string; shown: string }> {
  const error = (await call().then(
    () => expect.fail('the call should have failed'),
    (e: unknown) => e,
  )) as Error;
  expect(error).toMatchObject({ name: 'ZenotiAuthError', code: 'STORE' });
  return { message: error.message, shown: `${error.message} ${JSON.stringify(error)} ${inspect(error)}` };
}

/**
 * Calls until the STORE error's message is (or matches) `expected`, for at most 3 s (a client still
 * connecting may fail a first call otherwise). Returns everything the last error shows.
 */
async function failsWith(call: () => Promise<unknown>, expected: string | RegExp): Promise<string> {
  let last = { message: '', shown: '' };
  const matches = (m: string): boolean => (typeof expected === 'string' ? m === expected : expected.test(m));
  await until(
    async () => {
      last = await failure(call);
      return matches(last.message);
    },
    3_000,
    `a failure with ${expected}`,
    50,
  ).catch(() =>
    typeof expected === 'string'
      ? expect(last.message).toBe(expected)
      : expect(last.message).toMatch(expected),
  );
  return last.shown;
}

async function privateRedis(password?: string): Promise<PrivateRedis> {
  const redis = await PrivateRedis.start(password ? { password } : {});
  onCleanup(() => redis.stop());
  return redis;
}

describe.each(CLIENT_KINDS)('warnings and errors name the cause (%s)', (kind) => {
  it('ECONNREFUSED: one warning however often the client retries, and every failed call says it', async () => {
    const port = await freePort(); // nothing listens there
    const { store, warnings } = redisStore({
      client: connecting(kind, port),
      prefix: uniquePrefix(),
      commandTimeoutMs: 200,
    });
    await until(() => warnings.some((w) => w.includes('ECONNREFUSED')), 5_000, 'the ECONNREFUSED warning');
    await sleep(500); // ten more retries, at 50 ms each
    const refused = warnings.filter((w) => w.includes('ECONNREFUSED'));
    expect(refused).toEqual([
      '[@zenoti-auth/redis] Redis fails: ECONNREFUSED (nothing listens at the Redis host and port). Token sets, the lock and the rate budget are not shared meanwhile; this process carries on alone.',
    ]);
    // A call made in the instant the client is connecting again may fail otherwise: the next one says it.
    await failsWith(
      () => store.get('k'),
      '[@zenoti-auth/redis] Redis GET failed: not connected, ECONNREFUSED (nothing listens at the Redis host and port).',
    );
    expect(warnings.filter((w) => w.includes('ECONNREFUSED'))).toHaveLength(1);
  });

  it('NOAUTH: a Redis that needs a password, and the client gave none', async () => {
    const redis = await privateRedis(PASSWORD);
    const { store, warnings } = redisStore({
      client: connecting(kind, redis.port),
      prefix: uniquePrefix(),
      commandTimeoutMs: 200,
    });
    await failsWith(() => store.get('k'), /NOAUTH \(this Redis needs a password\)/);
    await failsWith(() => store.get('k'), /NOAUTH/);
    expect(warnings.filter((w) => w.includes('NOAUTH (this Redis needs a password)'))).toHaveLength(1);
  });

  it('WRONGPASS, and the password is in no warning or error', async () => {
    const redis = await privateRedis(PASSWORD);
    const wrong = 'wr0ng-pa55word-given-by-the-app';
    const { store, warnings } = redisStore({
      client: connecting(kind, redis.port, wrong),
      prefix: uniquePrefix(),
      commandTimeoutMs: 200,
    });
    const shown = await failsWith(() => store.get('k'), /WRONGPASS \(wrong Redis username or password\)/);
    expect(warnings.some((w) => w.includes('WRONGPASS'))).toBe(true);
    expect(`${shown} ${warnings.join(' ')} ${inspect(store)}`).not.toContain(wrong);
  });
});

describe('a command timeout, and the end of an outage', () => {
  it('names the time limit when Redis accepts the connection but never answers', async () => {
    const port = await silentServer();
    const { store, warnings } = redisStore({
      client: ioredis(port, { enableReadyCheck: false }),
      prefix: uniquePrefix(),
      commandTimeoutMs: 150,
    });
    const { message } = await failure(() => store.get('k'));
    expect(message).toBe(
      '[@zenoti-auth/redis] Redis GET failed: no answer within 150 ms (commandTimeoutMs).',
    );
    await failure(() => store.get('k'));
    expect(warnings.filter((w) => w.includes('no answer within 150 ms'))).toHaveLength(1);
  });

  it('says once that Redis answers again, then warns again at the next outage', async () => {
    const redis = await privateRedis();
    const { store, warnings } = redisStore({
      client: ioredis(redis.port, { retryStrategy: () => 50 }),
      prefix: uniquePrefix(redis.port),
    });
    await store.get('k');
    await redis.stop();
    await until(() => warnings.some((w) => w.includes('Redis fails')), 5_000, 'the outage warning');
    await redis.start();
    await until(
      async () =>
        await store.get('k').then(
          () => true,
          () => false,
        ),
      5_000,
      'Redis back',
    );
    await sleep(1_100); // an outage ends after a second without failures
    await store.get('k');
    await store.get('k');
    const recovered = warnings.filter((w) => w.includes('answers again'));
    expect(recovered).toHaveLength(1);
    expect(recovered[0]).toMatch(
      /^\[@zenoti-auth\/redis\] Redis answers again after \d+\.\d s.*; sharing resumes\.$/,
    );
    expect(warnings.filter((w) => w.includes('Redis fails'))).toHaveLength(1);
    const failures = warnings.filter((w) => w.includes('Redis fails')).length;
    await redis.stop();
    await until(
      () => warnings.filter((w) => w.includes('Redis fails')).length > failures,
      5_000,
      'a warning for the second outage',
    );
  });

  it('a partial failure (commands failing and succeeding in turn) is one outage: one warning, one recovery', async () => {
    const told: string[] = [];
    const health = new Health((message) => told.push(message));
    for (let i = 0; i < 15; i++) {
      health.failed(
        i % 2
          ? 'ECONNRESET (the connection was cut)'
          : 'CLUSTERDOWN (the cluster has slots without a master)',
      );
      health.ok();
      await sleep(10);
    }
    expect(told).toEqual([
      '[@zenoti-auth/redis] Redis fails: CLUSTERDOWN (the cluster has slots without a master). Token sets, the lock and the rate budget are not shared meanwhile; this process carries on alone.',
    ]);
    await sleep(1_050);
    health.ok();
    health.ok();
    expect(told).toHaveLength(2);
    expect(told[1]).toMatch(
      /^\[@zenoti-auth\/redis\] Redis answers again after \d\.\d s \(also met: ECONNRESET \(the connection was cut\)\); sharing resumes\.$/,
    );
  });

  it('names the class and cause of Cluster and Sentinel errors, never "an unknown error"', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:7000'), { code: 'ECONNREFUSED' });
    const cases: Array<[unknown, string]> = [
      [
        new ClusterAllFailedError('Failed to refresh slots cache.', refused),
        'ClusterAllFailedError: Failed to refresh slots cache (last node: ECONNREFUSED (nothing listens at the Redis host and port))',
      ],
      [new Error('None of startup nodes is available'), 'None of startup nodes is available'],
      [new Error('Connection is closed.'), 'Connection is closed'],
      [
        new Error('All sentinels are unreachable. Retrying from scratch after 10ms.'),
        'All sentinels are unreachable',
      ],
      [
        new NodeRedisErrors.ErrorReply("READONLY You can't write against a read only replica."),
        'ErrorReply: READONLY (a replica answered: the client writes to a demoted master)',
      ],
      [new NodeRedisErrors.ClientClosedError(), 'ClientClosedError: The client is closed'],
      [
        new NodeRedisErrors.RootNodesUnavailableError(),
        'RootNodesUnavailableError: All the root nodes are unavailable',
      ],
      [new Error('CLUSTERDOWN The cluster is down'), 'CLUSTERDOWN (the cluster has slots without a master)'],
    ];
    for (const [error, cause] of cases) expect(causeOf(error)).toBe(cause);
    // Nothing else of a message is shown: it may echo a command's arguments.
    expect(causeOf(new Error('ERR wrong number of arguments for SET secret-token-value'))).toBe('ERR');
  });

  it('a vague "not connected" waits for the client to say why', () => {
    const told: string[] = [];
    const health = new Health((message) => told.push(message));
    health.failed('not connected (node-redis not ready)', true);
    expect(told).toEqual([]);
    health.failed('NOAUTH (this Redis needs a password)');
    expect(told).toHaveLength(1);
    expect(told[0]).toContain('Redis fails: NOAUTH (this Redis needs a password).');
  });

  it('RedisRateBudget names the cause too, through its own onWarning', async () => {
    const warnings: string[] = [];
    const budget = new RedisRateBudget({
      client: connecting('ioredis', await freePort()),
      prefix: uniquePrefix(),
      commandTimeoutMs: 200,
      onWarning: (message) => warnings.push(message),
    });
    await until(() => warnings.some((w) => w.includes('ECONNREFUSED')), 5_000, 'the ECONNREFUSED warning');
    await failsWith(
      () => budget.take(),
      /^\[@zenoti-auth\/redis\] Redis EVAL failed: not connected, ECONNREFUSED/,
    );
  });
});
