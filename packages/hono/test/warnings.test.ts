import { createServer } from 'node:net';
import { MemoryTokenStore, type TokenStore, ZenotiAuth, ZenotiAuthError } from '@zenoti-auth/core';
import { RedisTokenStore } from '@zenoti-auth/redis';
import { Hono } from 'hono';
import { logger } from 'hono/logger';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type ZenotiAuthEnv, zenotiAuth } from '../src/index.ts';
import { closeAfter, serviceUser, zenoti } from './support.ts';

// `onWarning` gets the warnings of the engines and of their store, once each; nothing goes to the
// console then. The console is what is under test: it is spied on (and kept quiet), not replaced.

/** Everything written to the console from now on (not printed). */
function consoleLines(): string[] {
  const lines: string[] = [];
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const)
    vi.spyOn(console, method).mockImplementation((line: unknown) => void lines.push(`${method} ${line}`));
  return lines;
}
afterEach(() => {
  vi.restoreAllMocks();
});

/** A loopback port nothing listens on: Redis is down. */
function deadPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.once('error', reject);
  });
}

/** A RedisTokenStore on a Redis that is down (a URL: the store opens its client), closed after the test. */
async function downRedisStore(): Promise<RedisTokenStore> {
  const store = new RedisTokenStore({
    client: `redis://127.0.0.1:${await deadPort()}`,
    prefix: 'zenoti-auth-hono-warnings:',
    commandTimeoutMs: 200,
  });
  closeAfter(store);
  return store;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await sleep(25);
  if (!check()) throw new Error(`Timed out waiting for ${what}.`);
}

/** An app behind `middleware` (and Hono's logger, printing with the same function), with GET /centers. */
function centersApp(middleware: ReturnType<typeof zenotiAuth>, print: (line: string) => void) {
  const app = new Hono<ZenotiAuthEnv>();
  app.use(logger(print));
  app.use(middleware);
  app.get('/centers', async (c) => c.json({ status: (await c.var.zenoti.fetch('/v1/centers')).status }));
  return app;
}

const REFUSED =
  '[@zenoti-auth/redis] Redis fails: ECONNREFUSED (nothing listens at the Redis host and port). Token sets, the lock and the rate budget are not shared meanwhile; this process carries on alone.';

describe('onWarning with Redis down', () => {
  it('gets the store and engine warnings once each, beside the request log; nothing on the console', async () => {
    const printed = consoleLines();
    const z = await zenoti();
    const store = await downRedisStore();
    const lines: string[] = [];
    const print = (line: string) => void lines.push(line);
    const app = centersApp(zenotiAuth({ ...serviceUser(z.url, { store }), onWarning: print }), print);
    for (let i = 0; i < 3; i++) expect(await (await app.request('/centers')).json()).toEqual({ status: 200 });
    await until(() => lines.includes(REFUSED), 'the Redis warning');
    const warnings = lines.filter((line) => line.startsWith('[@zenoti-auth/'));
    expect(warnings.filter((line) => line.includes('plain text'))).toHaveLength(1);
    expect(warnings.filter((line) => line === REFUSED)).toHaveLength(1);
    // One warning per cause: the store told it (ECONNREFUSED once); core does not repeat it.
    expect(warnings.filter((line) => line.includes('ECONNREFUSED'))).toEqual([REFUSED]);
    expect(warnings.filter((line) => line.includes('Token store fails'))).toEqual([]);
    expect(lines.filter((line) => /^--> GET \/centers \S*200/.test(line))).toHaveLength(3); // Hono's logger
    expect(printed).toEqual([]);
  });

  it('with a resolver: what the store told before the first request reaches onWarning then', async () => {
    const printed = consoleLines();
    const z = await zenoti();
    const store = await downRedisStore();
    const warnings: string[] = [];
    const app = new Hono<ZenotiAuthEnv>();
    app.use(zenotiAuth(() => ({ ...serviceUser(z.url, { store }), onWarning: (m) => warnings.push(m) })));
    app.get('/centers', async (c) => c.json({ status: (await c.var.zenoti.fetch('/v1/centers')).status }));
    await sleep(500); // the store's client is refused meanwhile; no engine yet
    expect(warnings).toEqual([]);
    expect(await (await app.request('/centers')).json()).toEqual({ status: 200 });
    expect(await (await app.request('/centers')).json()).toEqual({ status: 200 });
    expect(warnings).toEqual([
      expect.stringMatching(/^\[@zenoti-auth\/redis\] Token sets are stored in Redis in plain text/),
      REFUSED,
    ]);
    expect(printed).toEqual([]);
  });
});

/** A shared store (`local: false`) whose every command fails while `down`, as Redis would. */
function failingStore(): { store: TokenStore; state: { down: boolean } } {
  const sets = new MemoryTokenStore();
  const state = { down: false };
  const check = (): void => {
    if (state.down)
      throw new ZenotiAuthError('STORE', '[@zenoti-auth/test] Test store GET failed: ECONNREFUSED.');
  };
  const store: TokenStore = {
    local: false,
    get(key) {
      check();
      return sets.get(key);
    },
    set(key, set, ttlMs) {
      check();
      sets.set(key, set, ttlMs);
    },
    delete(key, version) {
      check();
      sets.delete(key, version);
    },
  };
  return { store, state };
}

describe('onWarning with a ready engine', () => {
  it('two middlewares on one engine tell each warning once', async () => {
    const printed = consoleLines();
    const z = await zenoti();
    const { store, state } = failingStore();
    const auth = new ZenotiAuth(serviceUser(z.url, { store }));
    const warnings: string[] = [];
    const onWarning = (message: string) => void warnings.push(message);
    const app = new Hono<ZenotiAuthEnv>();
    app.use(zenotiAuth({ auth, onWarning }));
    app.use(zenotiAuth({ auth, onWarning }));
    app.get('/centers', async (c) => c.json({ status: (await c.var.zenoti.fetch('/v1/centers')).status }));
    expect(await (await app.request('/centers')).json()).toEqual({ status: 200 });
    state.down = true;
    for (let i = 0; i < 3; i++) expect(await (await app.request('/centers')).json()).toEqual({ status: 200 });
    expect(warnings).toEqual([
      '[@zenoti-auth/core] Token store fails (Test store GET failed: ECONNREFUSED); this process carries on alone with the last token set it saw until it answers.',
    ]);
    expect(printed).toEqual([]);
  });

  it('onWarning that is not a function fails at start-up, naming it', () => {
    expect(() => zenotiAuth({ ...serviceUser('http://127.0.0.1:9'), onWarning: 'console' as never })).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTIONS', field: 'onWarning' }),
    );
  });
});
