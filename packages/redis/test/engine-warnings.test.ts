import { ZenotiAuth, type ZenotiAuthEvent } from '@zenoti-auth/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RedisTokenStore } from '../src/index.ts';
import { RedisRateBudget } from '../src/rate-budget.ts';
import { freePort, PrivateRedis } from './redis-server.ts';
import { ioredis, onCleanup, serviceUser, sleep, uniquePrefix, until, zenoti } from './support.ts';

// Without `onWarning`, the store's and the budget's warnings travel as `warning` events of the engines
// that use them: once per process however many engines share them, and to the console only when no
// engine listens. The console is what is under test: it is spied on (and kept quiet), not replaced.

/** Every console.warn, console.info and console.error line from now on (not printed). */
function consoleLines(): string[] {
  const lines: string[] = [];
  for (const method of ['warn', 'info', 'error'] as const)
    vi.spyOn(console, method).mockImplementation((line: unknown) => void lines.push(`${method} ${line}`));
  return lines;
}
afterEach(() => {
  vi.restoreAllMocks();
});

/** The warnings an engine's listener heard, as `<source> <level> <message>`. */
function heard(events: ZenotiAuthEvent[]): string[] {
  return events.flatMap((e) => (e.type === 'warning' ? [`${e.source} ${e.level} ${e.message}`] : []));
}

/** Three engines of the demo service user on `store` (and `budget`), each with its own event list. */
function threeEngines(url: string, store: RedisTokenStore, budget?: RedisRateBudget) {
  return [1, 2, 3].map(() => {
    const events: ZenotiAuthEvent[] = [];
    const auth = new ZenotiAuth(
      serviceUser(url, {
        store,
        onEvent: (event) => events.push(event),
        ...(budget ? { rateLimit: { budget } } : {}),
      }),
    );
    return { auth, events };
  });
}

const REFUSED =
  'Redis fails: ECONNREFUSED (nothing listens at the Redis host and port). Token sets, the lock and the rate budget are not shared meanwhile; this process carries on alone.';

describe('RedisTokenStore without onWarning, Redis down from the start', () => {
  it('tells its warnings once, to the first engine, for three engines sharing it; nothing on the console', async () => {
    const printed = consoleLines();
    const z = await zenoti();
    const port = await freePort(); // nothing listens there
    const store = new RedisTokenStore({
      client: ioredis(port, { retryStrategy: () => 50 }),
      prefix: uniquePrefix(),
      commandTimeoutMs: 200,
    });
    onCleanup(() => store.close());
    await sleep(300); // the client is refused (and retries) before any engine is made
    const engines = threeEngines(z.url, store);
    for (const { auth } of engines) expect((await auth.fetch('/v1/centers')).status).toBe(200);
    await sleep(300); // more retries of the client: no more warnings

    const [first, ...others] = engines.map((e) => heard(e.events));
    expect(first).toEqual([
      expect.stringMatching(
        /^store warn \[@zenoti-auth\/redis\] Token sets are stored in Redis in plain text/,
      ),
      `store warn [@zenoti-auth/redis] ${REFUSED}`,
    ]);
    // One warning per cause: ECONNREFUSED once; core, which also met the failure, does not repeat it.
    expect(first?.filter((w) => w.includes('ECONNREFUSED'))).toHaveLength(1);
    expect(others).toEqual([[], []]);
    expect(printed).toEqual([]);
  });

  it('says so on console.warn, once each, when no engine listens', async () => {
    const printed = consoleLines();
    const z = await zenoti();
    const store = new RedisTokenStore({
      client: ioredis(await freePort(), { retryStrategy: () => 50 }),
      prefix: uniquePrefix(),
      commandTimeoutMs: 200,
    });
    onCleanup(() => store.close());
    const engines = [1, 2].map(() => new ZenotiAuth(serviceUser(z.url, { store })));
    for (const auth of engines) await auth.fetch('/v1/centers');
    await until(() => printed.some((line) => line.includes('ECONNREFUSED')), 5_000, 'the refusal');
    await sleep(300);
    expect(printed.filter((line) => line.includes('plain text'))).toHaveLength(1);
    expect(printed.filter((line) => line === `warn [@zenoti-auth/redis] ${REFUSED}`)).toHaveLength(1);
    expect(printed.filter((line) => line.includes('ECONNREFUSED'))).toHaveLength(1);
    expect(printed.filter((line) => line.includes('Token store fails'))).toEqual([]);
  });
});

describe('RedisRateBudget without onWarning', () => {
  it('tells the engines that Redis fails once for a store and a budget on one client; core adds what the budget’s absence means', async () => {
    const printed = consoleLines();
    const z = await zenoti();
    const port = await freePort();
    const client = ioredis(port, { retryStrategy: () => 50 });
    const budget = new RedisRateBudget({ client, prefix: uniquePrefix(), commandTimeoutMs: 200 });
    const store = new RedisTokenStore({ client, prefix: uniquePrefix(), commandTimeoutMs: 200 });
    onCleanup(() => store.close());
    const engines = threeEngines(z.url, store, budget);
    for (const { auth } of engines) expect((await auth.fetch('/v1/centers')).status).toBe(200);
    await until(() => heard(engines[0]?.events ?? []).length >= 3, 5_000, 'the warnings');
    await sleep(300);
    const said = heard(engines[0]?.events ?? []);
    // One warning per cause: the store and the budget share the client, and whichever meets the
    // refusal first tells it (they race); core says what the budget's absence means, once.
    const refusals = said.filter((w) => w.includes('ECONNREFUSED'));
    expect(refusals.map((w) => w.replace(/^(store|budget) warn /, ''))).toEqual([
      `[@zenoti-auth/redis] ${REFUSED}`,
    ]);
    expect(said.filter((w) => w.startsWith('budget warn [@zenoti-auth/core]'))).toEqual([
      'budget warn [@zenoti-auth/core] Rate budget unreachable; this process paces itself alone meanwhile.',
    ]);
    expect(said.filter((w) => w.includes('Token store fails'))).toEqual([]); // the store's link told it
    expect(engines.slice(1).map((e) => heard(e.events))).toEqual([[], []]);
    expect(printed).toEqual([]);
  });
});

describe('an outage in the middle of the run (a real Redis stopped and started)', () => {
  it("is told at 'warn', its end at 'info', through the engine", async () => {
    const printed = consoleLines();
    const redis = await PrivateRedis.start();
    onCleanup(() => redis.stop());
    const z = await zenoti();
    const store = new RedisTokenStore({
      client: ioredis(redis.port, { retryStrategy: () => 50 }),
      prefix: uniquePrefix(redis.port),
      commandTimeoutMs: 200,
    });
    onCleanup(() => store.close());
    const events: ZenotiAuthEvent[] = [];
    const auth = new ZenotiAuth(serviceUser(z.url, { store, onEvent: (event) => events.push(event) }));
    expect((await auth.fetch('/v1/centers')).status).toBe(200);
    await redis.stop();
    await until(() => heard(events).some((w) => w.includes('Redis fails')), 5_000, 'the outage warning');
    await redis.start();
    // Calls until Redis has answered a second after its last failure: the outage is then over.
    await until(
      async () => {
        await auth.fetch('/v1/centers');
        return heard(events).some((w) => w.includes('Redis answers again'));
      },
      10_000,
      'the end of the outage',
      100,
    );
    const said = heard(events);
    expect(said.filter((w) => w.includes('Redis fails'))).toEqual([
      expect.stringMatching(/^store warn \[@zenoti-auth\/redis\] Redis fails: /),
    ]);
    // One warning for the outage and one for its end, both the store's: core does not repeat them.
    expect(said.filter((w) => /fails|answers again/.test(w))).toEqual([
      expect.stringMatching(/^store warn \[@zenoti-auth\/redis\] Redis fails: /),
      expect.stringMatching(/^store info \[@zenoti-auth\/redis\] Redis answers again after \d+\.\d s/),
    ]);
    expect(printed).toEqual([]);
  });
});
