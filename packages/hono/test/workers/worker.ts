// A Cloudflare Worker that reaches Zenoti through @zenoti-auth/hono, options from c.env.
// Bundled by test/workerd.ts with esbuild (hono, @zenoti-auth/core and the built @zenoti-auth/hono).
import type { ZenotiAuth } from '@zenoti-auth/core';
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
let engines = 0;

const app = new Hono<AppEnv>();

app.get('/health', (c) => c.json({ ok: true, userAgent: navigator.userAgent }));

app.use(
  '/*',
  zenotiAuth<AppEnv>((c) => ({
    baseUrl: c.env.ZENOTI_BASE_URL,
    app: {
      accountName: c.env.ZENOTI_ACCOUNT_NAME,
      appId: c.env.ZENOTI_APP_ID,
      appSecret: c.env.ZENOTI_APP_SECRET,
    },
    user: { username: c.env.ZENOTI_USERNAME, password: c.env.ZENOTI_PASSWORD },
    ...(c.env.SHARE_IN_FLIGHT === 'true' ? { shareInFlight: true } : {}),
    ...(c.env.ZENOTI_DEADLINE_MS ? { retry: { deadlineMs: Number(c.env.ZENOTI_DEADLINE_MS) } } : {}),
  })),
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
