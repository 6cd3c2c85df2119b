import { describe, expect, it } from 'vitest';
import { fleet, get, memberBindings, zenoti } from './support.ts';

/** The mock's organisation limit: 10 calls per 1-second window (Zenoti's window, short). */
const LIMIT = 10;
const WINDOW_MS = 1_000;
const MEMBERS = ['m1', 'm2', 'm3'];
/** Concurrent requests per isolate: 24 resource calls and one token call, 25 calls in 3 windows. */
const PER_MEMBER = 8;

/**
 * A burst through three isolates, through `zenotiAuth` (one engine per isolate, shared by its
 * requests, as a deployment has it), taking permits from the Durable Object's budget (or from none);
 * what the mock answered. On Workers each caller waits for its permit in its own request: a queue
 * run by one request would die with it and leave the others hanging.
 */
async function burst(budget: 'durable' | 'none') {
  const z = await zenoti({ rateLimit: { limit: LIMIT, windowSeconds: WINDOW_MS / 1_000 } });
  const bindings = memberBindings(z.url, {
    ...(budget === 'durable' ? { BUDGET: 'durable' } : {}),
    BUDGET_LIMIT: `${LIMIT}`,
    BUDGET_INTERVAL_MS: `${WINDOW_MS}`,
  });
  const workerd = await fleet(Object.fromEntries(MEMBERS.map((name) => [name, bindings])));
  const started = Date.now();
  const answers = await Promise.all(
    MEMBERS.flatMap((name) =>
      Array.from({ length: PER_MEMBER }, () => get(`${workerd.urls[name]}/zenoti/centers`)),
    ),
  );
  const { token, resources } = z.control.counters();
  const statuses: Record<string, number> = {};
  for (const { status } of answers) statuses[status] = (statuses[status] ?? 0) + 1;
  return {
    seconds: Number(((Date.now() - started) / 1_000).toFixed(1)),
    callerStatuses: statuses,
    mockCalls: token.total + resources.total,
    mock429s: token.rateLimited + (resources.byStatus['429'] ?? 0),
    output: workerd.output(),
  };
}

describe('DurableObjectRateBudget: one budget for the isolates of a deployment', () => {
  it(`keeps a burst of ${MEMBERS.length * PER_MEMBER} requests through ${MEMBERS.length} isolates under ${LIMIT} calls / ${WINDOW_MS} ms: no 429`, async () => {
    const { output, ...shared } = await burst('durable');
    const { output: _, ...unpaced } = await burst('none');
    console.log(`[rate budget] DurableObjectRateBudget ${JSON.stringify(shared)}`);
    console.log(`[rate budget] no budget ${JSON.stringify(unpaced)}`);

    expect(shared.mock429s).toBe(0);
    expect(shared.callerStatuses, output).toEqual({ 200: MEMBERS.length * PER_MEMBER });
    expect(shared.mockCalls).toBe(MEMBERS.length * PER_MEMBER + 1);
    // Paced into windows: 25 calls at 10 per window need the third window.
    expect(shared.seconds).toBeGreaterThanOrEqual((2 * WINDOW_MS) / 1_000 - 0.5);
    // The same burst without the budget meets the limit.
    expect(unpaced.mock429s).toBeGreaterThan(0);
  });
});
