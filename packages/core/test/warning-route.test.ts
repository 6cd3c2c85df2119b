import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { healthOf } from '../src/health/index.ts';
import {
  MemoryTokenStore,
  type RateBudget,
  type WarningListener,
  WarningRoute,
  ZenotiAuth,
  type ZenotiAuthEvent,
} from '../src/index.ts';
import { pacedBudget } from '../src/rate-budget/index.ts';
import { sharedStore } from './shared-store.ts';
import { D, recorder, serviceUser, zenoti } from './support.ts';

// Warnings of a store or budget travel as engine events, once per process however many engines share
// it, and reach the console only when no engine listens. The console is what is under test here: it is
// spied on (and kept quiet), never replaced by a stand-in logger.

/** Every console.warn and console.info line from now on (not printed). */
function consoleLines(): { warn: string[]; info: string[] } {
  const lines = { warn: [] as string[], info: [] as string[] };
  vi.spyOn(console, 'warn').mockImplementation((line: unknown) => void lines.warn.push(String(line)));
  vi.spyOn(console, 'info').mockImplementation((line: unknown) => void lines.info.push(String(line)));
  return lines;
}
afterEach(() => {
  vi.restoreAllMocks();
});

const warningsOf = (events: ZenotiAuthEvent[]) =>
  events.flatMap((e) =>
    e.type === 'warning' ? [{ message: e.message, source: e.source, level: e.level }] : [],
  );

describe("core's own warnings about a shared store", () => {
  it('come once per outage for three engines on one store, to the first that listens; none on the console', async () => {
    const printed = consoleLines();
    const z = await zenoti();
    const shared = sharedStore();
    const quiet = new ZenotiAuth(serviceUser(z.url, { store: shared.store })); // listens to nothing
    const [b, c] = [recorder(), recorder()];
    const engines = [
      quiet,
      new ZenotiAuth(serviceUser(z.url, { store: shared.store, onEvent: b.onEvent })),
      new ZenotiAuth(serviceUser(z.url, { store: shared.store, onEvent: c.onEvent })),
    ];
    for (const engine of engines) expect((await engine.fetch('/v1/centers')).status).toBe(200);

    shared.faults.down = true;
    for (let round = 0; round < 3; round++)
      for (const engine of engines) expect((await engine.fetch('/v1/centers')).status).toBe(200);
    shared.faults.down = false;
    await sleep(1_100); // an outage ends at the first success after a second without failures
    for (const engine of engines) expect((await engine.fetch('/v1/centers')).status).toBe(200);

    expect(warningsOf(b.events)).toEqual([
      {
        message:
          '[@zenoti-auth/core] Token store fails (Test store GET failed: ECONNREFUSED); this process carries on alone with the last token set it saw until it answers.',
        source: 'store',
        level: 'warn',
      },
      {
        message: expect.stringMatching(
          /^\[@zenoti-auth\/core\] Token store answers again, after \d+\.\d s\.$/,
        ),
        source: 'store',
        level: 'info',
      },
    ]);
    expect(warningsOf(c.events)).toEqual([]); // the same outage, said once for the process
    expect(printed).toEqual({ warn: [], info: [] });
  });

  it('go to the console, once, when no engine listens (a recovery with console.info)', async () => {
    const printed = consoleLines();
    const z = await zenoti();
    const shared = sharedStore();
    const engines = [1, 2].map(() => new ZenotiAuth(serviceUser(z.url, { store: shared.store })));
    for (const engine of engines) await engine.fetch('/v1/centers');
    shared.faults.down = true;
    for (const engine of engines) await engine.fetch('/v1/centers');
    shared.faults.down = false;
    await sleep(1_100);
    for (const engine of engines) await engine.fetch('/v1/centers');
    expect(printed.warn).toEqual([
      '[@zenoti-auth/core] Token store fails (Test store GET failed: ECONNREFUSED); this process carries on alone with the last token set it saw until it answers.',
    ]);
    expect(printed.info).toEqual([expect.stringMatching(/Token store answers again/)]);
  });

  it('are left to a store that tells its outages itself (reportsOutages): one warning per cause', async () => {
    const printed = consoleLines();
    const z = await zenoti();
    const shared = sharedStore();
    const route = new WarningRoute();
    const store = {
      ...shared.store,
      reportsOutages: true,
      addWarningListener: (listener: WarningListener) => route.add(listener),
    };
    const heard = recorder();
    const engine = new ZenotiAuth(serviceUser(z.url, { store, onEvent: heard.onEvent }));
    expect((await engine.fetch('/v1/centers')).status).toBe(200);
    shared.faults.down = true;
    route.warn('[@zenoti-auth/test] Test store fails: ECONNREFUSED.'); // as RedisTokenStore tells it
    for (let i = 0; i < 3; i++) expect((await engine.fetch('/v1/centers')).status).toBe(200);
    expect(warningsOf(heard.events)).toEqual([
      { message: '[@zenoti-auth/test] Test store fails: ECONNREFUSED.', source: 'store', level: 'warn' },
    ]);
    // The engine still knows: healthOf() reports the store down, with the cause.
    expect((await healthOf(engine)).checks.store).toMatchObject({
      status: 'degraded',
      reachable: false,
      lastError: { message: 'Test store GET failed: ECONNREFUSED' },
    });
    shared.faults.down = false;
    await sleep(1_100);
    expect((await engine.fetch('/v1/centers')).status).toBe(200);
    expect(warningsOf(heard.events)).toHaveLength(1);
    expect(printed).toEqual({ warn: [], info: [] });
  });
});

/** A store that warns through a `WarningRoute`, as RedisTokenStore does; `say` tells a warning. */
function warningStore(onWarning?: (message: string) => void) {
  const route = new WarningRoute(onWarning);
  const store = Object.assign(new MemoryTokenStore(), {
    addWarningListener: (listener: WarningListener) => route.add(listener),
  });
  return { store, say: (message: string, level?: 'warn' | 'info') => route.warn(message, level) };
}

describe("a store's own warnings (addWarningListener)", () => {
  it('told before any engine, wait for the first one; later ones go to the first engine that listens', async () => {
    const printed = consoleLines();
    const { store, say } = warningStore();
    say('[test] stored in plain text');
    say('[test] unreachable at start');
    expect(printed.warn).toEqual([]); // held for the engine
    const [a, b] = [recorder(), recorder()];
    new ZenotiAuth({ apiKey: D.apiKey, store, onEvent: a.onEvent });
    new ZenotiAuth({ apiKey: D.apiKey, store, onEvent: b.onEvent });
    say('[test] answers again', 'info');
    expect(warningsOf(a.events)).toEqual([
      { message: '[test] stored in plain text', source: 'store', level: 'warn' },
      { message: '[test] unreachable at start', source: 'store', level: 'warn' },
      { message: '[test] answers again', source: 'store', level: 'info' },
    ]);
    expect(b.events).toEqual([]);
    expect(printed).toEqual({ warn: [], info: [] });
  });

  it('go to the console when the engines do not listen, and only to onWarning when the store has one', () => {
    const printed = consoleLines();
    const { store, say } = warningStore();
    say('[test] before the engine');
    const quiet = new ZenotiAuth({ apiKey: D.apiKey, store });
    say('[test] after the engine');
    expect(printed.warn).toEqual(['[test] before the engine', '[test] after the engine']);
    expect(quiet.mode).toBe('apiKey');

    const own: string[] = [];
    const custom = warningStore((message) => own.push(message));
    const { events, onEvent } = recorder();
    new ZenotiAuth({ apiKey: D.apiKey, store: custom.store, onEvent });
    custom.say('[test] to onWarning');
    expect(own).toEqual(['[test] to onWarning']);
    expect(events).toEqual([]);
    expect(printed.warn).toHaveLength(2);
  });
});

describe('a rate budget that fails', () => {
  it("is told to another engine of the budget when the caller's engine does not listen", async () => {
    const printed = consoleLines();
    const z = await zenoti();
    const failing: RateBudget = pacedBudget({
      local: false,
      take: () => Promise.reject(new Error('down')),
      observe: () => undefined,
    });
    const { events, onEvent } = recorder();
    const rateLimit = { budget: failing };
    const caller = new ZenotiAuth({ baseUrl: z.url, apiKey: D.apiKey, rateLimit });
    new ZenotiAuth({ baseUrl: z.url, apiKey: D.apiKey, rateLimit, onEvent });
    expect((await caller.fetch('/v1/centers')).status).toBe(200); // paced alone meanwhile
    expect(warningsOf(events)).toEqual([
      {
        message: '[@zenoti-auth/core] Rate budget unreachable; this process paces itself alone meanwhile.',
        source: 'budget',
        level: 'warn',
      },
    ]);
    expect(printed.warn).toEqual([]);
  });
});
