// A Cloudflare Worker that reaches Zenoti through @zenoti-auth/hono, options from c.env, and through a
// plain core engine (/plain/*, no adapter at all).
// Bundled by test/workerd.ts with esbuild (hono, @zenoti-auth/core and the built @zenoti-auth/hono).
import { DEFAULTS, onCloudflareWorkers, ZenotiAuth, type ZenotiAuthOptions } from '@zenoti-auth/core';
import { type ZenotiAuthEnv, zenotiAuth } from '@zenoti-auth/hono';
import { Hono } from 'hono';

type Bindings = {
  ZENOTI_BASE_URL: string;
  ZENOTI_ACCOUNT_NAME: string;
  ZENOTI_APP_ID: string;
  ZENOTI_APP_SECRET: string;
  ZENOTI_USERNAME: string;
  ZENOTI_PASSWORD: string;
  /** "true" forces shareInFlight: true (to show what awaiting another request's promise does). */
  SHARE_IN_FLIGHT?: string;
  /** Core's retry.deadlineMs: also how long a request waits for a refresh started by another one. */
  ZENOTI_DEADLINE_MS?: string;
};
type AppEnv = ZenotiAuthEnv & { Bindings: Bindings };

const engineIds = new WeakMap<ZenotiAuth, number>();
/** The `warning` events of every engine of this isolate, for GET /warnings. */
const warnings: string[] = [];
const onEvent: ZenotiAuthOptions['onEvent'] = (event) => {
  if (event.type === 'warning') warnings.push(event.message);
};
let engines = 0;

const app = new Hono<AppEnv>();

/** The engine options from the bindings (no `shareInFlight` unless SHARE_IN_FLIGHT forces it). */
function optionsOf(env: Bindings): ZenotiAuthOptions {
  return {
    baseUrl: env.ZENOTI_BASE_URL,
    app: { accountName: env.ZENOTI_ACCOUNT_NAME, appId: env.ZENOTI_APP_ID, appSecret: env.ZENOTI_APP_SECRET },
    user: { username: env.ZENOTI_USERNAME, password: env.ZENOTI_PASSWORD },
    onEvent,
    ...(env.SHARE_IN_FLIGHT === 'true' ? { shareInFlight: true } : {}),
    ...(env.ZENOTI_DEADLINE_MS ? { retry: { deadlineMs: Number(env.ZENOTI_DEADLINE_MS) } } : {}),
  };
}

app.get('/warnings', (c) => c.json(warnings));

app.get('/health', (c) => c.json({ ok: true, userAgent: navigator.userAgent }));

// What core itself decides on this runtime: the default every plain `new ZenotiAuth()` gets.
app.get('/runtime', (c) =>
  c.json({ shareInFlight: DEFAULTS.shareInFlight, onCloudflareWorkers: onCloudflareWorkers() }),
);

// A plain core engine, one per isolate (built on the first request, as a worker without any
// adapter would): nothing but core decides how its requests wait for one another's refresh.
let plain: ZenotiAuth | undefined;

// `?budgetMs=` gives the request a time budget: past it, the request answers 503 and ends, and
// workerd cancels what it left running — a token refresh it started included.
app.get('/plain/centers', async (c) => {
  plain ??= new ZenotiAuth(optionsOf(c.env));
  const answer = plain.fetch('/v1/centers?size=1').then(async (res) => {
    await res.body?.cancel();
    return res.status;
  });
  const budgetMs = Number(c.req.query('budgetMs') ?? Number.NaN);
  if (Number.isFinite(budgetMs)) {
    answer.catch(() => undefined);
    const late = new Promise<'gave up'>((r) => setTimeout(() => r('gave up'), budgetMs));
    if ((await Promise.race([answer, late])) === 'gave up') return c.json({ status: 'gave up' }, 503);
  }
  const status = await answer;
  return c.json({ status }, status === 200 ? 200 : 502);
});

app.use(
  '/*',
  zenotiAuth<AppEnv>((c) => optionsOf(c.env)),
);

app.get('/centers', async (c) => {
  const auth = c.var.zenoti.auth;
  let engine = engineIds.get(auth);
  if (engine === undefined) {
    engine = ++engines;
    engineIds.set(auth, engine);
  }
  const res = await c.var.zenoti.fetch('/v1/centers?size=1');
  const body = (await res.json()) as { centers?: unknown[] };
  return c.json(
    { status: res.status, centers: body.centers?.length ?? 0, engine },
    res.status === 200 ? 200 : 502,
  );
});

// Starts a token refresh and answers at once, without waiting (and without waitUntil): when this
// request ends, workerd cancels what it left running, the refresh included.
app.get('/warm', (c) => {
  c.var.zenoti.authorization().catch(() => undefined);
  return c.text('warming');
});

export default app;
