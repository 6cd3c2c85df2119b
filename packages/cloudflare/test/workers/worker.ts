// A Cloudflare Worker for the tests: reaches the mock Zenoti through @zenoti-auth/hono with the
// Durable Object store (or, STORE=memory, the per-isolate default), and exposes a store of its own
// over HTTP (/store/*) so that Node can run the store contract against the real object.
// Bundled by test/workerd.ts with esbuild (hono, the built @zenoti-auth/* packages).
import {
  type DurableObjectNamespaceLike,
  DurableObjectRateBudget,
  DurableObjectTokenStore,
  type DurableObjectTokenStoreOptions,
} from '@zenoti-auth/cloudflare';
import type { RateBudget, ZenotiAuth, ZenotiAuthOptions } from '@zenoti-auth/core';
import { type ZenotiAuthEnv, zenotiAuth } from '@zenoti-auth/hono';
import { Hono } from 'hono';
import { storeBridge } from './store-bridge.ts';
import { watched } from './watched-store.ts';

export { ZenotiAuthObject } from '@zenoti-auth/cloudflare';

type Bindings = {
  ZENOTI_AUTH: DurableObjectNamespaceLike;
  ZENOTI_BASE_URL: string;
  ZENOTI_ACCOUNT_NAME: string;
  ZENOTI_APP_ID: string;
  ZENOTI_APP_SECRET: string;
  ZENOTI_USERNAME: string;
  ZENOTI_PASSWORD: string;
  /** `durable` (DurableObjectTokenStore) or `memory` (core's per-isolate default store). */
  STORE: string;
  /** The store's `lockTtlMs`. */
  LOCK_TTL_MS?: string;
  /** Core's retry.deadlineMs: also the longest wait for a lock held elsewhere. */
  DEADLINE_MS?: string;
  /** `durable`: a DurableObjectRateBudget; unset: no budget. */
  BUDGET?: string;
  BUDGET_LIMIT?: string;
  BUDGET_INTERVAL_MS?: string;
  /** The budget's `name` (one object for every account) and `account` options. */
  BUDGET_NAME?: string;
  BUDGET_ACCOUNT?: string;
  /** `rateLimit.maxWaitMs`. @default 20_000 */
  MAX_WAIT_MS?: string;
};
type AppEnv = ZenotiAuthEnv & { Bindings: Bindings };

/** The budget's warnings in this isolate (GET /warnings). */
const warnings: string[] = [];

/** This isolate's engines (one per identity if the store is reused across requests). */
const engines = new WeakSet<ZenotiAuth>();
let engineCount = 0;

function budgetOf(env: Bindings): RateBudget | undefined {
  const limit = Number(env.BUDGET_LIMIT ?? 60);
  const intervalMs = Number(env.BUDGET_INTERVAL_MS ?? 60_000);
  if (env.BUDGET === 'durable')
    return new DurableObjectRateBudget({
      namespace: env.ZENOTI_AUTH,
      limit,
      intervalMs,
      name: env.BUDGET_NAME,
      account: env.BUDGET_ACCOUNT,
      onWarning: (message) => warnings.push(message),
    });
  return undefined;
}

function optionsOf(env: Bindings): ZenotiAuthOptions {
  const budget = budgetOf(env);
  const storeOptions: DurableObjectTokenStoreOptions = { namespace: env.ZENOTI_AUTH };
  if (env.LOCK_TTL_MS) storeOptions.lockTtlMs = Number(env.LOCK_TTL_MS);
  return {
    baseUrl: env.ZENOTI_BASE_URL,
    app: { accountName: env.ZENOTI_ACCOUNT_NAME, appId: env.ZENOTI_APP_ID, appSecret: env.ZENOTI_APP_SECRET },
    user: { username: env.ZENOTI_USERNAME, password: env.ZENOTI_PASSWORD },
    // As the README shows it: a store made per request, reused per isolate by the package.
    ...(env.STORE === 'durable' ? { store: watched(new DurableObjectTokenStore(storeOptions)) } : {}),
    ...(budget ? { rateLimit: { budget, maxWaitMs: Number(env.MAX_WAIT_MS ?? 20_000) } } : {}),
    ...(env.DEADLINE_MS ? { retry: { deadlineMs: Number(env.DEADLINE_MS) } } : {}),
  };
}

const app = new Hono<AppEnv>();

app.get('/health', (c) => c.json({ ok: true, userAgent: navigator.userAgent }));
app.route('/store', storeBridge);

// Tries the refresh lock the engine last asked for, once (no wait), and gives it back at once.
app.get('/probe-lock', async (c) => {
  const probe = watched.lastLock;
  if (!probe) return c.json({ held: null });
  const lock = await probe.store.lock(probe.key, { ttlMs: 1_000, signal: AbortSignal.abort() });
  await lock?.release();
  return c.json({ held: lock !== undefined });
});

app.get('/engines', (c) => c.json({ engines: engineCount }));

app.get('/warnings', (c) => c.json({ warnings }));

app.use(
  '/zenoti/*',
  zenotiAuth<AppEnv>((c) => optionsOf(c.env)),
);

// The mock's answer status, as the caller sees it (a 401 that core could not cure stays a 401).
app.get('/zenoti/centers', async (c) => {
  if (!engines.has(c.var.zenoti.auth)) {
    engines.add(c.var.zenoti.auth);
    engineCount++;
  }
  const res = await c.var.zenoti.fetch('/v1/centers?size=1');
  await res.body?.cancel();
  return c.json({ status: res.status }, res.status === 200 ? 200 : (res.status as 401));
});

// Starts a token call and answers after `?ms=` (or at once), whether it has finished or not (no
// waitUntil): when this request ends, workerd cancels what it left running — the refresh, and the
// renewal of the refresh lock it holds. (A client that disconnects does not end it: workerd runs the
// handler on until it answers.)
app.get('/zenoti/warm', async (c) => {
  const pending = c.var.zenoti.authorization().then(
    () => 'token',
    () => 'failed',
  );
  const ms = Number(c.req.query('ms') ?? 0);
  if (!(ms > 0)) return c.text('warming');
  return c.text(
    await Promise.race([pending, new Promise<string>((r) => setTimeout(() => r('gave up'), ms))]),
  );
});

export default app;
