import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { READMES, serveApp, type WorkersApp, workersAppOf } from './readme-app.ts';
import { D, onCleanup, zenoti } from './support.ts';

// The READMEs' complete Workers app (Hono sign-in, proxy, Durable Object store and budget, all from
// c.env), run as it is written, in workerd, as two isolates of one deployment against the mock Zenoti.

const app: WorkersApp = workersAppOf(READMES.hono);
const [alice] = D.guests;
/** Zenoti's standard limit: 60 calls per 60-second window. */
const LIMIT = 60;
/** Proxied calls through each isolate, in rounds within the proxy's fair share (8 per client). */
const PER_ISOLATE = 40;
const ROUND = 8;

/**
 * Appended to the app for the test, and changing nothing of it: which engine served a request, and
 * how many engines this isolate has made (one per identity, however often the resolver runs).
 */
const ENGINE_PROBE = `
const engineIds = new WeakMap<object, number>();
let enginesSeen = 0;
app.get('/test/engine', guests, (c) => {
  const auth = c.var.zenoti.auth;
  if (!engineIds.has(auth)) engineIds.set(auth, ++enginesSeen);
  return c.json({ engine: engineIds.get(auth) });
});
`;

/** What the app reads from c.env, with the mock's values: wrangler.jsonc's vars, the secrets, and its base URL. */
function bindingsFor(url: string): Record<string, string> {
  const values: Record<string, string> = {
    ZENOTI_ACCOUNT_NAME: D.accountName,
    ZENOTI_GUEST_APP_ID: D.guestApp.appId,
    ZENOTI_GUEST_APP_SECRET: D.guestApp.appSecret,
    SESSION_SECRET: randomBytes(32).toString('hex'),
    ZENOTI_BASE_URL: url,
  };
  const names = [...Object.keys(app.wrangler.vars), ...app.secrets, 'ZENOTI_BASE_URL'];
  return Object.fromEntries(names.map((name) => [name, values[name] ?? `no test value for ${name}`]));
}

/** What a run of the app in two isolates came to. */
interface Run {
  login: number;
  /** The first call with the session, through the isolate that did not sign in. */
  viaSecond: number;
  tokenCalls: number;
  zenotiCalls: number;
  zenoti429s: number;
  throughFirst: Record<number, number>;
  throughSecond: Record<number, number>;
  /** Engines each isolate served `/test/engine` with, over 5 requests. */
  enginesPerIsolate: number[];
}

/**
 * Serves `source` as two isolates against a mock Zenoti at LIMIT calls a minute: a guest signs in
 * through the first, calls Zenoti through the proxy of the second, then PER_ISOLATE times through
 * each (the first's, then the second's).
 */
async function runInTwoIsolates(source: string): Promise<Run> {
  const z = await zenoti({ rateLimit: { limit: LIMIT, windowSeconds: 60 } });
  const workerd = await serveApp(
    { ...app, source: source + ENGINE_PROBE },
    ['first', 'second'],
    bindingsFor(z.url),
  );
  onCleanup(() => workerd.close());
  const first = workerd.urls.first as string;
  const second = workerd.urls.second as string;
  const centers = (isolate: string, cookie: string) =>
    fetch(`${isolate}/api/zenoti/v1/centers`, { headers: { cookie }, signal: AbortSignal.timeout(20_000) });

  // Signed out: the proxy refuses, nothing reaches Zenoti.
  expect((await centers(second, '')).status, workerd.output()).toBe(401);
  // Sign in through the first isolate (a same-origin form post).
  const login = await fetch(`${first}/api/login`, {
    method: 'POST',
    headers: { origin: first },
    body: new URLSearchParams({ username: alice.username, password: alice.password }),
    signal: AbortSignal.timeout(20_000),
  });
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] as string;
  const viaSecond = await centers(second, cookie);
  await viaSecond.body?.cancel();

  const statuses = async (isolate: string) => {
    const byStatus: Record<number, number> = {};
    for (let sent = 0; sent < PER_ISOLATE; sent += ROUND) {
      const answers = await Promise.all(Array.from({ length: ROUND }, () => centers(isolate, cookie)));
      for (const res of answers) {
        byStatus[res.status] = (byStatus[res.status] ?? 0) + 1;
        if (res.status === 429) expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
        await res.body?.cancel();
      }
    }
    return byStatus;
  };
  const throughFirst = await statuses(first);
  const throughSecond = await statuses(second);
  const { token, resources } = z.control.counters();

  const enginesPerIsolate: number[] = [];
  for (const isolate of [first, second]) {
    const engines = new Set<number>();
    for (let i = 0; i < 5; i++)
      engines.add(((await (await fetch(`${isolate}/test/engine`)).json()) as { engine: number }).engine);
    enginesPerIsolate.push(engines.size);
  }
  return {
    login: login.status,
    viaSecond: viaSecond.status,
    tokenCalls: token.total,
    zenotiCalls: token.total + resources.total,
    zenoti429s: token.rateLimited + (resources.byStatus['429'] ?? 0),
    throughFirst,
    throughSecond,
    enginesPerIsolate,
  };
}

describe('the READMEs’ complete Workers app', () => {
  it('is one app: the Hono and Cloudflare READMEs show the same wrangler.jsonc, secrets and worker', () => {
    const other = workersAppOf(READMES.cloudflare);
    expect(other.wranglerText).toBe(app.wranglerText);
    expect(other.secrets).toEqual(app.secrets);
    expect(other.source).toBe(app.source);
  });

  it('reads from c.env only what wrangler.jsonc and the secrets give it, and binds the class it exports', () => {
    const [binding] = app.wrangler.durable_objects.bindings;
    expect(binding).toEqual({ name: 'ZENOTI_AUTH', class_name: 'ZenotiAuthObject' });
    expect(app.wrangler.migrations[0]?.new_sqlite_classes).toEqual(['ZenotiAuthObject']);
    expect(app.source).toContain('export { ZenotiAuthObject }');
    const read = new Set([...app.source.matchAll(/c\.env\.(\w+)/g)].map((m) => m[1]));
    const given = new Set([
      ...Object.keys(app.wrangler.vars),
      ...app.secrets,
      binding?.name,
      'ZENOTI_BASE_URL', // optional: unset, the real Zenoti
    ]);
    expect([...read].filter((name) => !given.has(name))).toEqual([]);
    expect(app.secrets).toEqual(['ZENOTI_GUEST_APP_SECRET', 'SESSION_SECRET']);
  });

  it('in two isolates: signed in through one, used through the other, with one token grant and one budget for both', async () => {
    const run = await runInTwoIsolates(app.source);
    console.log(`[readme app] as written: ${JSON.stringify(run)}`);

    expect(run.login).toBe(200);
    // The session through the second isolate: its own engine found the guest's token in the object.
    expect(run.viaSecond).toBe(200);
    // One token grant for the fleet: the sign-in's. Every call after it used the guest's token from the object.
    expect(run.tokenCalls).toBe(1);
    // One budget: neither isolate alone asked for more than Zenoti allows, but together they did;
    // the shared window let through only what Zenoti allows (the sign-in was one), and Zenoti never said 429.
    expect(run.zenoti429s).toBe(0);
    expect(run.zenotiCalls).toBeLessThanOrEqual(LIMIT);
    expect(run.throughFirst).toEqual({ 200: PER_ISOLATE });
    expect(run.throughSecond[429]).toBeGreaterThanOrEqual(2 * PER_ISOLATE + 2 - LIMIT);
    expect((run.throughSecond[200] ?? 0) + (run.throughSecond[429] ?? 0)).toBe(PER_ISOLATE);
    // The store and the budget were made per request, yet each isolate served every request with one engine.
    expect(run.enginesPerIsolate).toEqual([1, 1]);
  });

  it('needs each of its parts: without the budget line Zenoti answers 429s, without the store line the second isolate knows no session', async () => {
    const lineOf = (what: string): string => {
      const line = app.source.split('\n').find((l) => l.includes(what));
      if (!line) throw new Error(`the app has no line with ${what}`);
      return `${line}\n`;
    };
    const noBudget = await runInTwoIsolates(app.source.replace(lineOf('new DurableObjectRateBudget('), ''));
    const noStore = await runInTwoIsolates(app.source.replace(lineOf('new DurableObjectTokenStore('), ''));
    console.log(`[readme app] without the budget: ${JSON.stringify(noBudget)}`);
    console.log(`[readme app] without the store: ${JSON.stringify(noStore)}`);

    expect(noBudget.zenoti429s).toBeGreaterThanOrEqual(2 * PER_ISOLATE + 2 - LIMIT);
    expect(noBudget.zenotiCalls).toBeGreaterThan(LIMIT);
    expect(noStore.login).toBe(200);
    expect(noStore.viaSecond).toBe(401); // LOGIN_REQUIRED: the guest's token is in the first isolate only
  });
});
