/**
 * Fault-injection sweep (issue #9, section 4): core `fetch`, the axios interceptor and the Hono
 * middleware driven through the mock Zenoti's faults. Every scenario prints its figures; the whole
 * table is printed at the end. Only 127.0.0.1 is contacted; every loop is bounded in count and time.
 */
import type { MockFault } from '@zenoti-auth/mock-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADAPTERS,
  type Adapter,
  closeAll,
  D,
  driver,
  engine,
  mock,
  type Outcome,
  printRows,
  resourceCalls,
  row,
  rows,
  SimClock,
  schedule,
  seeded,
  sleep,
  tally,
  tokenCalls,
  waitsAfter429,
} from './support.ts';

const PATH = '/v1/centers';
/** Extra real time allowed on a loaded 2-core CI machine on top of a configured deadline. */
const LOAD_MARGIN_MS = 3_000;
/** setTimeout and performance.now() granularity. */
const TIMER_SLACK_MS = 2;

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => {
  unhandled.push(reason);
};

beforeAll(() => {
  process.on('unhandledRejection', onUnhandled);
});

afterAll(async () => {
  await closeAll();
  process.off('unhandledRejection', onUnhandled);
  console.log('\nFault-injection sweep — figures');
  printRows(rows);
  expect(unhandled, 'unhandled rejections during the sweep (a crash)').toEqual([]);
});

const codesOf = (outcomes: readonly Outcome[]): string[] =>
  outcomes.map((o) => (o.kind === 'typed' ? o.code : o.kind === 'untyped' ? `untyped: ${o.detail}` : o.kind));

// ---- 1. token endpoint: 30 % 5xx and timeouts, 60 s simulated, 200 concurrent callers --------------

describe('token endpoint 30 % 5xx + timeouts, 60 s simulated, 200 concurrent callers', () => {
  const SIM_MS = 60_000;
  const STEP_MS = 3_000;
  const CALLERS = 200;
  // Due 2.25 s after issue (the refresh window is capped at a quarter of the lifetime): every step needs a token call.
  const TTL_MS = 3_000;
  const TIMEOUT_MS = 150;
  // One retry: with 30 % faults about one refresh in eleven fails outright, so typed failures do occur.
  const RETRY = { retries: 1, minDelayMs: 25, maxDelayMs: 200, deadlineMs: 2_000 };
  /** 3 faults in every block of 10 token calls, at seeded-random positions: exactly 30 %. */
  const FAULTS_PER_BLOCK = [3, 10] as const;
  /** Taken in turn: two in three are 5xx, one in three a hang (ended by the engine's 150 ms timeoutMs). */
  const FAULTS: MockFault[] = [
    { kind: 'status', status: 503 },
    { kind: 'hang' },
    { kind: 'status', status: 500 },
    { kind: 'status', status: 502 },
    { kind: 'hang' },
    { kind: 'status', status: 504 },
  ];
  /** Real time allowed per adapter; running out fails the test (simulated time not covered). */
  const REAL_BUDGET_MS = 25_000;

  it.each(ADAPTERS)('%s', async (adapter) => {
    const clock = new SimClock();
    const z = await mock({ now: clock.now, accessTokenTtlMs: TTL_MS });
    const { auth, wire, events } = engine(z.url, { now: clock.now, timeoutMs: TIMEOUT_MS, retry: RETRY });
    const d = driver(adapter, auth);

    // "30 %": each token call, as it is made, is checked against a seeded schedule (the same for every
    // adapter) and given a fault when the schedule says so. Token calls are single-flight, so the
    // fault queued here is the one this very call takes.
    const faulty = schedule(seeded(0x5eed_2026), ...FAULTS_PER_BLOCK);
    const injected = { status: 0, hang: 0 };
    wire.beforeToken = () => {
      if (!faulty()) return;
      const fault = FAULTS[(injected.status + injected.hang) % FAULTS.length] as MockFault;
      injected[fault.kind === 'hang' ? 'hang' : 'status']++;
      z.control.injectFault('token', fault, 1);
    };

    const outcomes: Outcome[] = [];
    let expiries = 0;
    let issuedAt: number | undefined;
    let maxTokenCallsPerStep = 0;
    const started = performance.now();
    for (let step = 0; step * STEP_MS <= SIM_MS; step++) {
      if (performance.now() - started > REAL_BUDGET_MS) break;
      if (step > 0) clock.advance(STEP_MS);
      const now = clock.now();
      // Independent of the engine: a token is due when none was issued yet or 3/4 of its life is gone.
      if (issuedAt === undefined || now >= issuedAt + (TTL_MS * 3) / 4) expiries++;
      const before = z.control.counters().token;
      const batch = await Promise.all(
        Array.from({ length: CALLERS }, (_, i) => d.call(PATH, `${step}:${i}`)),
      );
      outcomes.push(...batch);
      const after = z.control.counters().token;
      if (after.password.ok + after.refresh.ok > before.password.ok + before.refresh.ok) issuedAt = now;
      maxTokenCallsPerStep = Math.max(maxTokenCallsPerStep, after.total - before.total);
    }
    z.control.clearFaults();

    const t = tally(outcomes);
    const c = z.control.counters();
    const budget = (expiries + 1) * (RETRY.retries + 1);
    // A token call that timed out on our side may still have been served: Zenoti then rotated the
    // single-use refresh token, the next refresh is refused and core falls back to one password grant.
    const burnt = events.filter((e) => e.type === 'invalidated' && e.reason === 'refresh-rejected').length;
    const r = row(
      '1 token 30% 5xx/timeouts, 60 s sim',
      adapter,
      t,
      c.token.total,
      c.resources.total,
      [
        `sim ${clock.elapsed / 1000} s`,
        `expiries ${expiries}`,
        `budget ${budget}`,
        `faulted ${c.token.faulted}/${c.token.total} = ${Math.round((100 * c.token.faulted) / c.token.total)} % (5xx ${injected.status}, hang ${injected.hang})`,
        `real ${((performance.now() - started) / 1000).toFixed(1)} s`,
        `max token calls/step ${maxTokenCallsPerStep}`,
        `refresh token refused → password grant ${burnt}`,
      ].join(', '),
    );
    printRows([r]);

    expect(clock.elapsed, 'simulated time covered').toBeGreaterThanOrEqual(SIM_MS);
    expect(t.calls).toBe((SIM_MS / STEP_MS + 1) * CALLERS);
    expect(t.untyped, 'calls that neither succeeded nor failed typed').toBe(0);
    expect(t.http, 'upstream HTTP errors handed on').toBe(0);
    for (const code of t.codes.keys()) expect(['TOKEN_ENDPOINT', 'TIMEOUT', 'NETWORK']).toContain(code);
    expect(t.ok, 'some calls succeed').toBeGreaterThan(0);
    expect(t.maxWaitMs, 'max wait per call ≤ retry.deadlineMs + load margin').toBeLessThanOrEqual(
      RETRY.deadlineMs + LOAD_MARGIN_MS,
    );
    expect(c.token.total, 'token calls ≤ (expiries + 1) × (retries + 1)').toBeLessThanOrEqual(budget);
    // One episode per step: a grant with its retries, plus the documented password fallback when the
    // refresh token is refused — each grant within retries + 1 calls.
    expect(maxTokenCallsPerStep, 'token calls in one step ≤ 2 × (retries + 1)').toBeLessThanOrEqual(
      2 * (RETRY.retries + 1),
    );
    if (burnt === 0) expect(maxTokenCallsPerStep).toBeLessThanOrEqual(RETRY.retries + 1);
    expect(c.token.faulted, 'every injected fault hit a token call').toBe(injected.status + injected.hang);
  });
});

// ---- 2. resource 401 forever -------------------------------------------------------------------

describe('resource 401 forever', () => {
  it.each(ADAPTERS)('%s', async (adapter) => {
    const clock = new SimClock();
    const z = await mock({ now: clock.now });
    const { auth, wire } = engine(z.url, { now: clock.now });
    const d = driver(adapter, auth);
    z.control.injectFault('resource', { kind: 'status', status: 401 }, Number.POSITIVE_INFINITY);

    const outcomes: Outcome[] = [];
    // 10 sequential requests 2 s apart (20 s simulated, inside the engine's 30 s guard) …
    for (let i = 0; i < 10; i++) {
      outcomes.push(await d.call(PATH, `seq:${i}`));
      clock.advance(2_000);
    }
    // … then a burst of 40 concurrent ones.
    outcomes.push(...(await Promise.all(Array.from({ length: 40 }, (_, i) => d.call(PATH, `burst:${i}`)))));
    z.control.clearFaults();

    const t = tally(outcomes);
    const tokens = tokenCalls(z.control);
    const resources = resourceCalls(z.control);
    const perCall = new Map<string, number>();
    for (const e of wire.log)
      if (e.endpoint === 'resource') perCall.set(e.call ?? '?', (perCall.get(e.call ?? '?') ?? 0) + 1);
    const maxPerRequest = perCall.size > 0 ? Math.max(...perCall.values()) : undefined;
    printRows([
      row(
        '2 resource 401 forever',
        adapter,
        t,
        tokens,
        resources,
        [`resource calls/request max ${maxPerRequest ?? 'n/a (axios sends itself)'}`].join(', '),
      ),
    ]);

    expect(t.untyped).toBe(0);
    expect(t.ok).toBe(0);
    // core and Hono: UNAUTHORIZED; axios hands Zenoti's second 401 on as its own AxiosError (documented).
    for (const o of outcomes) {
      if (adapter === 'axios') expect(o.kind === 'http' && o.status === 401).toBe(true);
      else expect(o.kind === 'typed' && o.code === 'UNAUTHORIZED').toBe(true);
    }
    expect(resources, 'resource calls ≤ 2 × requests').toBeLessThanOrEqual(2 * t.calls);
    if (maxPerRequest !== undefined) expect(maxPerRequest, '≤ 1 retry per request').toBeLessThanOrEqual(2);
    expect(tokens, 'token calls in total').toBeLessThanOrEqual(2);
  });
});

// ---- 3. password change mid-run ----------------------------------------------------------------

describe('password change mid-run', () => {
  const BATCH = 20;

  it.each(ADAPTERS)('%s', async (adapter) => {
    const clock = new SimClock();
    const z = await mock({ now: clock.now });
    const { auth } = engine(z.url, { now: clock.now }); // credentialsCooldownMs: 60 s (default)
    const d = driver(adapter, auth);
    const batch = (n: number): Promise<Outcome[]> =>
      Promise.all(Array.from({ length: BATCH }, (_, i) => d.call(PATH, `b${n}:${i}`)));

    const before: Outcome[] = [];
    for (let n = 0; n < 3; n++) {
      before.push(...(await batch(n)));
      clock.advance(5_000);
    }

    // The change lands while all of batch 3 is in flight: the mock holds each resource answer back
    // 300 ms; the password changes once every request of the batch has arrived (bounded wait).
    z.control.setLatency(300, 'resource');
    const tokensAtChange = tokenCalls(z.control);
    const resourcesAtChange = resourceCalls(z.control);
    const inFlight = batch(3);
    for (let i = 0; i < 2_500 && resourceCalls(z.control) < resourcesAtChange + BATCH; i++) await sleep(2);
    z.control.setPassword(D.accountName, D.employee.username, 'Changed-Pass-9!');
    const during = await inFlight;
    z.control.setLatency(0, 'resource');
    const rejectedAt = clock.now();
    const tokensAfterFirst = tokenCalls(z.control);

    // Inside the 60 s cool-down: batches at +10 … +50 s simulated.
    const cooldown: Outcome[] = [];
    for (let n = 4; n < 9; n++) {
      clock.advance(10_000);
      cooldown.push(...(await batch(n)));
    }
    const tokensDuringCooldown = tokenCalls(z.control) - tokensAfterFirst;
    const resourcesAfterChange = resourceCalls(z.control) - resourcesAtChange;

    // After the cool-down, with the password put back: one token call, and calls work again.
    z.control.setPassword(D.accountName, D.employee.username, D.employee.password);
    clock.advance(rejectedAt + 61_000 - clock.now());
    const tokensBeforeRecovery = tokenCalls(z.control);
    const recovered = await d.call(PATH, 'recovery');
    const recoveryTokenCalls = tokenCalls(z.control) - tokensBeforeRecovery;

    const all = [...before, ...during, ...cooldown, recovered];
    const t = tally(all);
    printRows([
      row(
        '3 password change mid-run',
        adapter,
        t,
        tokenCalls(z.control),
        resourceCalls(z.control),
        [
          `token calls after change ${tokensAfterFirst - tokensAtChange} + cool-down ${tokensDuringCooldown}`,
          `resource calls after change ${resourcesAfterChange}`,
          `recovery ${recovered.kind} with ${recoveryTokenCalls} token call`,
        ].join(', '),
      ),
    ]);

    expect(codesOf(before).every((k) => k === 'ok')).toBe(true);
    // Every request that saw the change failed within that one request, typed (no success, no other error).
    expect(codesOf(during).every((k) => k === 'CREDENTIALS_REJECTED')).toBe(true);
    expect(codesOf(cooldown).every((k) => k === 'CREDENTIALS_REJECTED')).toBe(true);
    // No retry storm: ≤ 2 token calls for the change (refresh refused, password refused), none in the cool-down.
    expect(tokensAfterFirst - tokensAtChange).toBeLessThanOrEqual(2);
    expect(tokensDuringCooldown).toBe(0);
    expect(
      resourcesAfterChange,
      'one resource call per in-flight request, none in the cool-down',
    ).toBeLessThanOrEqual(BATCH);
    expect(recovered.kind).toBe('ok');
    expect(recoveryTokenCalls).toBe(1);
  });
});

// ---- 4. 429 storms -----------------------------------------------------------------------------

describe('429 storms', () => {
  const RATE_LIMIT = { maxWaitMs: 2_000, maxRetries: 2 };
  const retryAfter = (seconds: string): MockFault => ({
    kind: 'status',
    status: 429,
    headers: { 'retry-after': seconds },
  });

  it.each(ADAPTERS)('resources, injected Retry-After: %s', async (adapter) => {
    const clock = new SimClock();
    const z = await mock({ now: clock.now });
    const { auth, wire } = engine(z.url, { now: clock.now, rateLimit: RATE_LIMIT });
    const d = driver(adapter, auth);
    expect((await d.call(PATH, 'warm')).kind).toBe('ok');
    const tokens0 = tokenCalls(z.control);

    // A storm: 20 concurrent callers, the first two waves all answered 429 with Retry-After 0.2 s.
    const CALLERS = 20;
    const r0 = resourceCalls(z.control);
    z.control.injectFault('resource', retryAfter('0.2'), 2 * CALLERS);
    const storm = await Promise.all(Array.from({ length: CALLERS }, (_, i) => d.call(PATH, `storm:${i}`)));
    z.control.clearFaults();
    const stormResources = resourceCalls(z.control) - r0;

    // Past the retry budget: three 429s in a row for one call.
    const r1 = resourceCalls(z.control);
    z.control.injectFault('resource', retryAfter('0.2'), 3);
    const overRetries = await d.call(PATH, 'over-retries');
    z.control.clearFaults();
    const overRetriesResources = resourceCalls(z.control) - r1;

    // Past the wait budget: Retry-After 5 s > maxWaitMs 2 s.
    const r2 = resourceCalls(z.control);
    z.control.injectFault('resource', retryAfter('5'), 1);
    const overWait = await d.call(PATH, 'over-wait');
    z.control.clearFaults();
    const overWaitResources = resourceCalls(z.control) - r2;

    const waits = waitsAfter429(wire.log, 'resource');
    const minSlack = waits.length > 0 ? Math.min(...waits.map((w) => w.waited - w.asked)) : undefined;
    const t = tally([...storm, overRetries, overWait]);
    printRows([
      row(
        '4 429 on resources (injected)',
        adapter,
        t,
        tokenCalls(z.control),
        resourceCalls(z.control),
        [
          `storm ${CALLERS} calls → ${stormResources} resource calls`,
          `waits measured ${waits.length}, min(wait − Retry-After) ${minSlack === undefined ? 'n/a' : `${minSlack.toFixed(1)} ms`}`,
          `over-retries → ${codesOf([overRetries])[0]} after ${overRetriesResources} calls`,
          `over-wait → ${codesOf([overWait])[0]} after ${overWaitResources} call in ${Math.round(overWait.ms)} ms`,
        ].join(', '),
      ),
    ]);

    expect(t.untyped).toBe(0);
    expect(tokenCalls(z.control)).toBe(tokens0);
    if (adapter === 'axios') {
      // The axios adapter leaves 429 to the caller's retry policy (documented): no retry, header kept.
      expect(storm.every((o) => o.kind === 'http' && o.status === 429 && o.retryAfter === '0.2')).toBe(true);
      expect(stormResources).toBe(CALLERS);
      expect(overRetriesResources).toBe(1);
      expect(overWait.kind === 'http' && overWait.status === 429 && overWait.retryAfter === '5').toBe(true);
      expect(overWaitResources).toBe(1);
      return;
    }
    // core fetch (and Hono through it): Retry-After honoured, at most maxRetries retries per call.
    expect(codesOf(storm).every((k) => k === 'ok')).toBe(true);
    expect(stormResources).toBe(CALLERS * (RATE_LIMIT.maxRetries + 1));
    expect(waits.length).toBe(2 * CALLERS + RATE_LIMIT.maxRetries);
    for (const w of waits)
      expect(w.waited, 'wait ≥ Retry-After').toBeGreaterThanOrEqual(w.asked - TIMER_SLACK_MS);
    expect(overRetries).toMatchObject({ kind: 'typed', code: 'RATE_LIMITED' });
    expect(overRetriesResources).toBe(RATE_LIMIT.maxRetries + 1);
    expect(overWait).toMatchObject({ kind: 'typed', code: 'RATE_LIMITED', retryAfterMs: 5_000 });
    expect(overWaitResources).toBe(1);
    expect(overWait.ms, 'no 5 s wait past the budget').toBeLessThan(2_000);
  });

  it.each(ADAPTERS)('token endpoint, injected Retry-After: %s', async (adapter) => {
    const clock = new SimClock();
    const z = await mock({ now: clock.now });
    const { auth, wire } = engine(z.url, { now: clock.now, rateLimit: RATE_LIMIT });
    const d = driver(adapter, auth);
    const figures: string[] = [];

    const waits: Array<{ waited: number; asked: number }> = [];
    const phase = async (id: string): Promise<Outcome> => {
      const from = wire.log.length;
      const outcome = await d.call(PATH, id);
      z.control.clearFaults();
      waits.push(...waitsAfter429(wire.log.slice(from), 'token'));
      return outcome;
    };

    // Two 429s (0.2 s) before the first token: waited out, then success.
    z.control.injectFault('token', retryAfter('0.2'), 2);
    const waited = await phase('waited');
    const t0 = tokenCalls(z.control);
    figures.push(`2×429 → ${codesOf([waited])[0]} after ${t0} token calls`);

    // Token expired, three 429s: the budget (maxRetries 2) ends it.
    clock.advance(25 * 3_600_000);
    z.control.injectFault('token', retryAfter('0.2'), 3);
    const overRetries = await phase('over-retries');
    const t1 = tokenCalls(z.control) - t0;
    figures.push(`3×429 → ${codesOf([overRetries])[0]} after ${t1} token calls`);

    // Retry-After 5 s > maxWaitMs: fails at once (after the 0.2 s the last 429 asked for).
    clock.advance(200);
    z.control.injectFault('token', retryAfter('5'), 1);
    const overWait = await phase('over-wait');
    const t2 = tokenCalls(z.control) - t0 - t1;
    figures.push(
      `Retry-After 5 → ${codesOf([overWait])[0]} after ${t2} token call in ${Math.round(overWait.ms)} ms`,
    );

    // Within those 5 s no caller asks again: RATE_LIMITED at once, with the time left.
    clock.advance(1_000);
    const paused = await phase('paused');
    const tPaused = tokenCalls(z.control) - t0 - t1 - t2;
    figures.push(`within Retry-After → ${codesOf([paused])[0]} with ${tPaused} token call`);

    // Then, once the 5 s are over, the next call gets a token (nothing stale kept).
    clock.advance(4_000);
    const after = await phase('after');
    const t3 = tokenCalls(z.control) - t0 - t1 - t2;
    figures.push(`next → ${codesOf([after])[0]} with ${t3} token call`);
    figures.push(
      `waits ${waits.length}, min(wait − Retry-After) ${waits.length ? Math.min(...waits.map((w) => w.waited - w.asked)).toFixed(1) : 'n/a'} ms`,
    );
    const t = tally([waited, overRetries, overWait, paused, after]);
    printRows([
      row(
        '4 429 on token endpoint',
        adapter,
        t,
        tokenCalls(z.control),
        resourceCalls(z.control),
        figures.join(', '),
      ),
    ]);

    expect(t.untyped).toBe(0);
    expect(waited.kind).toBe('ok');
    expect(t0).toBe(3);
    expect(waits.length).toBe(2 + RATE_LIMIT.maxRetries);
    for (const w of waits)
      expect(w.waited, 'wait ≥ Retry-After').toBeGreaterThanOrEqual(w.asked - TIMER_SLACK_MS);
    expect(overRetries).toMatchObject({ kind: 'typed', code: 'RATE_LIMITED' });
    expect(t1).toBe(RATE_LIMIT.maxRetries + 1);
    expect(overWait).toMatchObject({ kind: 'typed', code: 'RATE_LIMITED', retryAfterMs: 5_000 });
    expect(t2).toBe(1);
    expect(overWait.ms).toBeLessThan(2_000);
    expect(paused).toMatchObject({ kind: 'typed', code: 'RATE_LIMITED', retryAfterMs: 4_000 });
    expect(tPaused).toBe(0);
    expect(after.kind).toBe('ok');
    expect(t3).toBe(1);
  });

  it.each(['core', 'hono'] as const)("the mock's own rate limiter (real time): %s", async (adapter) => {
    // Real clock here: the mock's bucket refills in real time while the engine waits Retry-After out.
    const z = await mock({ rateLimit: { limit: 2, windowSeconds: 1 } });
    const { auth, wire } = engine(z.url, { rateLimit: RATE_LIMIT });
    const d = driver(adapter, auth);
    expect((await d.call(PATH, 'warm')).kind).toBe('ok');
    z.control.setRateLimit({ limit: 2, windowSeconds: 1 }); // buckets full again
    const tokens0 = tokenCalls(z.control);
    const r0 = resourceCalls(z.control);
    const CALLERS = 6; // 2 pass at once, 2 after ~1 s, 2 after ~2 s: each within maxRetries (2)
    const outcomes = await Promise.all(
      Array.from({ length: CALLERS }, (_, i) => d.call(PATH, `bucket:${i}`)),
    );
    const waits = waitsAfter429(wire.log, 'resource');
    const t = tally(outcomes);
    const limited = z.control.counters().resources.byStatus['429'] ?? 0;
    printRows([
      row(
        '4 429 from the mock limiter (2/s)',
        adapter,
        t,
        tokenCalls(z.control),
        resourceCalls(z.control) - r0,
        [
          `429 answers ${limited}`,
          `waits ${waits.length}, min(wait − Retry-After) ${waits.length ? Math.min(...waits.map((w) => w.waited - w.asked)).toFixed(1) : 'n/a'} ms`,
        ].join(', '),
      ),
    ]);

    expect(t.untyped).toBe(0);
    for (const o of outcomes)
      expect(o.kind === 'ok' || (o.kind === 'typed' && o.code === 'RATE_LIMITED')).toBe(true);
    expect(t.ok).toBeGreaterThanOrEqual(4);
    expect(tokenCalls(z.control)).toBe(tokens0);
    expect(waits.length).toBeGreaterThan(0);
    for (const w of waits) {
      expect(w.asked).toBeGreaterThanOrEqual(1_000);
      expect(w.waited, 'wait ≥ Retry-After').toBeGreaterThanOrEqual(w.asked - TIMER_SLACK_MS);
    }
    expect(resourceCalls(z.control) - r0).toBeLessThanOrEqual(CALLERS * (RATE_LIMIT.maxRetries + 1));
  });
});

// ---- 5. malformed responses from every endpoint --------------------------------------------------

interface Variant {
  name: string;
  fault: Extract<MockFault, { kind: 'raw' }>;
  /** How many consecutive calls get it (a retryable 5xx must outlast the retries to surface). */
  times?: number;
  /** For a revoke: whether it counts as done (any 2xx does, unless a JSON body reports an error). @default false */
  revoked?: boolean;
}

const HTML =
  '<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>';

describe('malformed responses', () => {
  const RETRY = { retries: 2, minDelayMs: 10, maxDelayMs: 50, deadlineMs: 5_000 };

  const TOKEN_VARIANTS: Variant[] = [
    { name: 'HTML 200', fault: { kind: 'raw', body: HTML, contentType: 'text/html' } },
    {
      name: 'HTML 502',
      fault: { kind: 'raw', status: 502, body: HTML, contentType: 'text/html' },
      times: RETRY.retries + 1,
    },
    {
      name: 'truncated JSON',
      fault: { kind: 'raw', body: '{"credentials":{"access_token":"AN:demo-spa|$ARD#abc' },
    },
    { name: 'empty body', fault: { kind: 'raw', body: '' } },
    { name: 'JSON null', fault: { kind: 'raw', body: 'null' } },
    { name: 'credentials array', fault: { kind: 'raw', body: '{"credentials":[],"error":null}' } },
    {
      name: 'token a number',
      fault: {
        kind: 'raw',
        body: '{"credentials":{"access_token":12345,"access_token_expiry":true},"error":null}',
      },
    },
    {
      name: 'expiry not a date',
      fault: {
        kind: 'raw',
        body: '{"credentials":{"access_token":"abcdef0123456789","access_token_expiry":"tomorrow"}}',
      },
    },
    {
      name: 'error a string',
      fault: { kind: 'raw', body: '{"credentials":null,"error":"Something went wrong"}' },
    },
  ];

  const REVOKE_ERROR_PAGES: Variant[] = [
    { name: 'HTML 502', fault: { kind: 'raw', status: 502, body: HTML, contentType: 'text/html' } },
    { name: 'truncated JSON 500', fault: { kind: 'raw', status: 500, body: '{"success":fal' } },
  ];
  // Zenoti documents no revoke body (its own example asks for text/plain): any 2xx is "revoked",
  // unless a JSON body reports an error.
  const REVOKE_2XX_MALFORMED: Variant[] = [
    { name: 'HTML 200', fault: { kind: 'raw', body: HTML, contentType: 'text/html' }, revoked: true },
    { name: 'truncated JSON 200', fault: { kind: 'raw', body: '{"success":tr' }, revoked: true },
    { name: 'wrong types 200', fault: { kind: 'raw', body: '{"success":"maybe","error":42}' } },
  ];

  const RESOURCE_VARIANTS: Variant[] = [
    { name: 'HTML 200', fault: { kind: 'raw', body: HTML, contentType: 'text/html; charset=utf-8' } },
    { name: 'HTML 502', fault: { kind: 'raw', status: 502, body: HTML, contentType: 'text/html' } },
    { name: 'truncated JSON', fault: { kind: 'raw', body: '{"centers":[{"id":"c1","name":"Dow' } },
    { name: 'wrong types', fault: { kind: 'raw', body: '{"centers":"none","page_info":[1,2,3],"error":7}' } },
    { name: 'empty body', fault: { kind: 'raw', body: '' } },
  ];

  it.each(ADAPTERS)('token endpoint: %s', async (adapter) => {
    const clock = new SimClock();
    const z = await mock({ now: clock.now });
    const { auth } = engine(z.url, { now: clock.now, retry: RETRY });
    const d = driver(adapter, auth);
    expect((await d.call(PATH, 'warm')).kind).toBe('ok');

    const outcomes: Outcome[] = [];
    const problems: string[] = [];
    for (const v of TOKEN_VARIANTS) {
      clock.advance(25 * 3_600_000); // the 24 h access token is gone: the next call needs a token call
      z.control.injectFault('token', v.fault, v.times ?? 1);
      const failed = await d.call(PATH, `bad:${v.name}`);
      z.control.clearFaults();
      const tokensBefore = tokenCalls(z.control);
      const next = await d.call(PATH, `next:${v.name}`);
      const fresh = tokenCalls(z.control) - tokensBefore;
      outcomes.push(failed, next);
      const expected = v.fault.status === 502 ? ['TOKEN_ENDPOINT'] : ['INVALID_RESPONSE', 'TOKEN_ENDPOINT'];
      if (!(failed.kind === 'typed' && expected.includes(failed.code))) {
        problems.push(`${v.name}: ${codesOf([failed])[0]} (expected ${expected.join('/')})`);
      }
      if (next.kind !== 'ok' || fresh !== 1) {
        problems.push(
          `${v.name}: next call ${codesOf([next])[0]} with ${fresh} token calls (expected ok with 1)`,
        );
      }
    }
    const t = tally(outcomes);
    printRows([
      row(
        '5 malformed token responses',
        adapter,
        t,
        tokenCalls(z.control),
        resourceCalls(z.control),
        [
          `${TOKEN_VARIANTS.length} variants, each followed by a call that must make a fresh token call`,
          problems.join(' | '),
        ]
          .filter(Boolean)
          .join(', '),
      ),
    ]);
    expect(t.untyped).toBe(0);
    expect(problems).toEqual([]);
  });

  const revokeCheck = async (adapter: Adapter, variants: Variant[], label: string): Promise<void> => {
    const clock = new SimClock();
    const z = await mock({ now: clock.now });
    const { auth, events } = engine(z.url, { now: clock.now, retry: RETRY });
    const d = driver(adapter, auth);
    const outcomes: Outcome[] = [];
    const problems: string[] = [];
    const results: string[] = [];
    for (const v of variants) {
      const warm = await d.call(PATH, `warm:${v.name}`);
      outcomes.push(warm);
      const header = await auth.authorization();
      const errorsBefore = events.filter((e) => e.type === 'error').length;
      z.control.injectFault('revoke', v.fault, 1);
      let revoked: boolean | string;
      try {
        revoked = (await d.revoke()).revoked;
      } catch (error) {
        revoked = `threw ${error instanceof Error ? error.name : String(error)}`;
      }
      z.control.clearFaults();
      const errors = events.filter((e) => e.type === 'error').slice(errorsBefore);
      const codes = errors.map((e) => (e.type === 'error' ? e.error.code : ''));
      // Did Zenoti revoke anything? The faulted call never reached it: the old token still works.
      const stillLive =
        (await fetch(`${z.url}${PATH}`, { headers: { authorization: header } }).then(async (res) => {
          await res.arrayBuffer();
          return res.status;
        })) === 200;
      results.push(
        `${v.name} → revoked ${String(revoked)}, error events [${codes.join(',')}], old token still live at Zenoti: ${stillLive}`,
      );
      const expected = v.revoked ?? false;
      if (revoked !== expected) problems.push(`${v.name}: revoked ${String(revoked)} (expected ${expected})`);
      if (!expected && !codes.some((code) => code === 'INVALID_RESPONSE' || code === 'TOKEN_ENDPOINT')) {
        problems.push(`${v.name}: no typed error event (got [${codes.join(',')}])`);
      }
      if (expected && codes.length > 0)
        problems.push(`${v.name}: error events [${codes.join(',')}] for a revoke that was done`);
      // Nothing cached: the revoked token is forgotten, the next call makes a fresh token call.
      const tokensBefore = tokenCalls(z.control);
      const next = await d.call(PATH, `next:${v.name}`);
      outcomes.push(next);
      const fresh = tokenCalls(z.control) - tokensBefore;
      if (next.kind !== 'ok' || fresh !== 1) {
        problems.push(
          `${v.name}: next call ${codesOf([next])[0]} with ${fresh} token calls (expected ok with 1)`,
        );
      }
    }
    const t = tally(outcomes);
    printRows([row(label, adapter, t, tokenCalls(z.control), resourceCalls(z.control), results.join(' | '))]);
    expect(t.untyped).toBe(0);
    expect(problems).toEqual([]);
  };

  it.each(ADAPTERS)('revoke endpoint, error pages (5xx HTML / truncated): %s', (adapter) =>
    revokeCheck(adapter, REVOKE_ERROR_PAGES, '5 malformed revoke 5xx'),
  );

  it.each(ADAPTERS)('revoke endpoint, 2xx with a malformed body: %s', (adapter) =>
    revokeCheck(adapter, REVOKE_2XX_MALFORMED, '5 malformed revoke 2xx'),
  );

  it.each(ADAPTERS)('resources (passed through unchanged): %s', async (adapter) => {
    const clock = new SimClock();
    const z = await mock({ now: clock.now });
    const { auth } = engine(z.url, { now: clock.now, retry: RETRY });
    const d = driver(adapter, auth);
    expect((await d.call(PATH, 'warm')).kind).toBe('ok');
    const tokens0 = tokenCalls(z.control);
    const outcomes: Outcome[] = [];
    const problems: string[] = [];
    for (const v of RESOURCE_VARIANTS) {
      z.control.injectFault('resource', v.fault, 1);
      const o = await d.call(PATH, `raw:${v.name}`);
      z.control.clearFaults();
      outcomes.push(o);
      const status = v.fault.status ?? 200;
      const type = v.fault.contentType ?? 'application/json';
      if (o.kind !== 'ok' && o.kind !== 'http') {
        problems.push(`${v.name}: ${codesOf([o])[0]} (expected the response itself)`);
        continue;
      }
      if (o.status !== status) problems.push(`${v.name}: status ${o.status} ≠ ${status}`);
      if (o.contentType !== type) problems.push(`${v.name}: content-type ${o.contentType} ≠ ${type}`);
      if (o.text !== v.fault.body)
        problems.push(`${v.name}: body changed (${JSON.stringify(o.text.slice(0, 40))})`);
    }
    const next = await d.call(PATH, 'next');
    outcomes.push(next);
    const t = tally(outcomes);
    const tokens = tokenCalls(z.control) - tokens0;
    printRows([
      row(
        '5 malformed resource responses',
        adapter,
        t,
        tokenCalls(z.control),
        resourceCalls(z.control),
        [
          `${RESOURCE_VARIANTS.length} variants passed through byte for byte: ${problems.length === 0}`,
          `token calls caused ${tokens}`,
          problems.join(' | '),
        ]
          .filter(Boolean)
          .join(', '),
      ),
    ]);
    expect(t.untyped).toBe(0);
    expect(problems).toEqual([]);
    expect(next.kind).toBe('ok');
    expect(tokens, 'a malformed resource answer neither invalidates nor refreshes the token').toBe(0);
  });
});
