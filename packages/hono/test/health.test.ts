import { ZenotiAuth } from '@zenoti-auth/core';
import { healthOf } from '@zenoti-auth/core/health';
import { type ZenotiAuthEnv, zenotiAuth, zenotiHealth } from '@zenoti-auth/hono';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { listen } from './server.ts';
import { apiKeyOptions, D, SECRETS, serviceUser, upstreamCalls, WatchedStore, zenoti } from './support.ts';

interface Answer {
  status: number;
  cacheControl: string | null;
  body: { ok: boolean; status: string; checks: Record<string, Record<string, unknown> | undefined> };
  text: string;
}

/** GET over real HTTP from the served app. */
async function get(port: number, path: string, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, { headers });
  const text = await res.text();
  return { status: res.status, cacheControl: res.headers.get('cache-control'), body: JSON.parse(text), text };
}

describe('zenotiHealth()', () => {
  it('200 with the snapshot while ok, 503 when down; no call to Zenoti, never cached, no secret', async () => {
    const z = await zenoti();
    const store = new WatchedStore();
    const auth = new ZenotiAuth(serviceUser(z.url, { store, retry: { retries: 0 } }));
    const app = new Hono();
    app.get('/health', zenotiHealth({ auth }));
    const port = await listen(app);

    const fresh = await get(port, '/health');
    expect(fresh).toMatchObject({ status: 200, cacheControl: 'no-store', body: { ok: true, status: 'ok' } });
    expect(fresh.body.checks.credential).toMatchObject({ status: 'ok', mode: 'token' });
    expect(fresh.body.checks.credential).not.toHaveProperty('lastSuccess');
    expect(upstreamCalls(z.control)).toBe(0);

    await auth.authorization();
    const working = await get(port, '/health');
    expect(working.status).toBe(200);
    // Times go out as core reports them: ms since the Unix epoch, the same number as health() in process.
    const expiresAt = (await healthOf(auth)).checks.token?.expiresAt;
    expect(expiresAt).toBeTypeOf('number');
    expect(working.body.checks.token).toMatchObject({ present: true, expiresAt });

    z.control.setPassword(D.accountName, D.employee.username, 'Changed-Pass-3');
    await auth.invalidate(await auth.authorization()); // as a 401 would
    await expect(auth.authorization()).rejects.toMatchObject({ code: 'CREDENTIALS_REJECTED' });
    const down = await get(port, '/health');
    expect(down).toMatchObject({
      status: 503,
      cacheControl: 'no-store',
      body: {
        ok: false,
        status: 'down',
        checks: { credential: { lastError: { code: 'CREDENTIALS_REJECTED' } } },
      },
    });
    expect(upstreamCalls(z.control)).toBe(3); // the sign-in, the refused refresh, the refused password
    for (const secret of [...SECRETS, 'Changed-Pass-3', ...store.tokens()])
      expect(fresh.text + working.text + down.text).not.toContain(secret);
  });

  it('probes when told to, per request: exactly one call to Zenoti each time', async () => {
    const z = await zenoti();
    const app = new Hono<ZenotiAuthEnv>();
    // The engine of zenotiAuth() on the route, and a probe an operator asks for with a header.
    app.use('/health', zenotiAuth(apiKeyOptions(z.url)));
    app.get('/health', zenotiHealth({ probe: (c) => c.req.header('x-probe') === 'yes' }));
    const port = await listen(app);

    const quiet = await get(port, '/health');
    expect(quiet.body.checks.probe).toBeUndefined();
    expect(upstreamCalls(z.control)).toBe(0);
    const probed = await get(port, '/health', { 'x-probe': 'yes' });
    expect(probed).toMatchObject({
      status: 200,
      body: { checks: { probe: { status: 'ok', call: 'read' } } },
    });
    expect(upstreamCalls(z.control)).toBe(1);

    z.control.revokeApiKey(D.apiKey);
    const refused = await get(port, '/health', { 'x-probe': 'yes' });
    expect(refused).toMatchObject({
      status: 503,
      body: { status: 'down', checks: { probe: { status: 'down', code: 'UNAUTHORIZED' } } },
    });
    expect(upstreamCalls(z.control)).toBe(2);
    expect(refused.text).not.toContain(D.apiKey);
  });

  it('a bad option is INVALID_OPTIONS at once; no engine on the route is a 500', async () => {
    expect(() => zenotiHealth({ auth: {} as never })).toThrow(expect.objectContaining({ field: 'auth' }));
    expect(() => zenotiHealth({ probe: 'yes' as never })).toThrow(
      expect.objectContaining({ field: 'probe' }),
    );
    const app = new Hono();
    app.get('/health', zenotiHealth());
    app.onError((error, c) => c.json({ field: (error as { field?: string }).field }, 500));
    const res = await app.request('/health');
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ field: 'auth' });
  });
});
