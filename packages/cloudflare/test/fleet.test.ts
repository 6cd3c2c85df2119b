import { describe, expect, it } from 'vitest';
import { fleet, get, memberBindings, sleep, zenoti } from './support.ts';

/** Each access token lives 2 s: a refresh every round. Its refresh window is the last quarter (500 ms). */
const TTL_MS = 2_000;
const ROUNDS = 3;
/** Three worker services: three isolates, each with its own module memory and its own engine. */
const MEMBERS = ['m1', 'm2', 'm3'];
/** Concurrent requests per isolate per round. */
const PER_MEMBER = 20;

interface Run {
  /** Token calls the mock served in each round. */
  perRound: number[];
  tokenCalls: number;
  passwordGrants: number;
  refreshGrants: number;
  refreshRejected: number;
  /** What the callers got, by status. */
  callerStatuses: Record<string, number>;
  /** 401s the mock answered (core retried each once with a fresh token). */
  mock401s: number;
  /** Engines per isolate. */
  engines: number[];
}

/**
 * ROUNDS rounds of PER_MEMBER concurrent requests to each of the three isolates, each round after
 * the access token has expired: the engines in three isolates all need a new token at once.
 */
async function run(store: 'durable' | 'memory'): Promise<Run> {
  const z = await zenoti({ accessTokenTtlMs: TTL_MS });
  const workerd = await fleet(
    Object.fromEntries(MEMBERS.map((name) => [name, memberBindings(z.url, { STORE: store })])),
  );
  const perRound: number[] = [];
  const callerStatuses: Record<string, number> = {};
  for (let round = 0; round < ROUNDS; round++) {
    if (round > 0) await sleep(TTL_MS + 200); // the access token has expired
    const before = z.control.counters().token.total;
    const answers = await Promise.all(
      MEMBERS.flatMap((name) =>
        Array.from({ length: PER_MEMBER }, () => get(`${workerd.urls[name]}/zenoti/centers`)),
      ),
    );
    for (const { status } of answers) callerStatuses[status] = (callerStatuses[status] ?? 0) + 1;
    perRound.push(z.control.counters().token.total - before);
  }
  const engines = await Promise.all(
    MEMBERS.map(
      async (name) => (await get<{ engines: number }>(`${workerd.urls[name]}/engines`)).body.engines,
    ),
  );
  const { token, resources } = z.control.counters();
  return {
    perRound,
    tokenCalls: token.total,
    passwordGrants: token.password.ok,
    refreshGrants: token.refresh.ok,
    refreshRejected: token.refresh.rejected,
    callerStatuses,
    mock401s: resources.byStatus['401'] ?? 0,
    engines,
  };
}

describe('a Workers fleet: three isolates calling Zenoti through zenotiAuth while tokens expire every 2 s', () => {
  it('shares one token through the Durable Object store (1 password grant + 1 refresh per expiry, no 401); per-isolate memory stores thrash', async () => {
    const durable = await run('durable');
    const memory = await run('memory');
    console.log(`[workers fleet] DurableObjectTokenStore ${JSON.stringify(durable)}`);
    console.log(`[workers fleet] per-isolate MemoryTokenStore ${JSON.stringify(memory)}`);

    // One password grant for the whole fleet, then exactly one refresh per expiry.
    expect(durable.perRound).toEqual([1, 1, 1]);
    expect(durable.passwordGrants).toBe(1);
    expect(durable.refreshGrants).toBe(ROUNDS - 1);
    expect(durable.tokenCalls).toBe(ROUNDS);
    // No request ended in a 401 — nor met one on the way.
    expect(durable.callerStatuses).toEqual({ 200: ROUNDS * MEMBERS.length * PER_MEMBER });
    expect(durable.mock401s).toBe(0);
    // A store built per request (new DurableObjectTokenStore in the resolver) is one store, one engine per isolate.
    expect(durable.engines).toEqual([1, 1, 1]);

    // The thrash it prevents: each isolate signs in and refreshes on its own, killing the others' tokens.
    expect(memory.passwordGrants).toBe(MEMBERS.length);
    expect(memory.tokenCalls).toBeGreaterThanOrEqual(3 * durable.tokenCalls);
    expect(memory.mock401s).toBeGreaterThan(0);
  });
});
