import { ZenotiAuth } from '@zenoti-auth/core';
import { healthOf } from '@zenoti-auth/core/health';
import { describe, expect, it } from 'vitest';
import { zenotiAuth, zenotiErrorHandler, zenotiHealth } from '../src/index.ts';
import { EXPRESS_VERSIONS } from './frameworks.ts';
import {
  apiKeyOptions,
  D,
  listen,
  SECRETS,
  serviceUser,
  upstreamCalls,
  WatchedStore,
  zenoti,
} from './support.ts';

interface Answer {
  status: number;
  cacheControl: string | null;
  body: { ok: boolean; status: string; checks: Record<string, Record<string, unknown> | undefined> };
  text: string;
}

async function get(url: string, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(url, { headers });
  const text = await res.text();
  return { status: res.status, cacheControl: res.headers.get('cache-control'), body: JSON.parse(text), text };
}

describe.each(EXPRESS_VERSIONS)('zenotiHealth() on %s', (_version, express) => {
  it('200 with the snapshot while ok, 503 when down; no call to Zenoti, never cached, no secret', async () => {
    const z = await zenoti();
    const store = new WatchedStore();
    const auth = new ZenotiAuth(serviceUser(z.url, { store, retry: { retries: 0 } }));
    const app = express();
    app.get('/health', zenotiHealth({ auth }));
    const url = `${await listen(app)}/health`;

    const fresh = await get(url);
    expect(fresh).toMatchObject({ status: 200, cacheControl: 'no-store', body: { ok: true, status: 'ok' } });
    expect(upstreamCalls(z.control)).toBe(0);

    await auth.authorization();
    const working = await get(url);
    const expiresAt = (await healthOf(auth)).checks.token?.expiresAt;
    expect(working.body.checks.token).toMatchObject({ present: true, expiresAt });

    z.control.setPassword(D.accountName, D.employee.username, 'Changed-Pass-3');
    await auth.invalidate(await auth.authorization()); // as a 401 would
    await expect(auth.authorization()).rejects.toMatchObject({ code: 'CREDENTIALS_REJECTED' });
    const down = await get(url);
    expect(down).toMatchObject({
      status: 503,
      cacheControl: 'no-store',
      body: {
        ok: false,
        status: 'down',
        checks: { credential: { lastError: { code: 'CREDENTIALS_REJECTED' } } },
      },
    });
    for (const secret of [...SECRETS, 'Changed-Pass-3', ...store.tokens()])
      expect(fresh.text + working.text + down.text).not.toContain(secret);
  });

  it('probes when told to, per request, with the engine of zenotiAuth() on the route', async () => {
    const z = await zenoti();
    const app = express();
    app.use('/health', zenotiAuth(apiKeyOptions(z.url)));
    app.get('/health', zenotiHealth({ probe: (req) => req.get('x-probe') === 'yes' }));
    const url = `${await listen(app)}/health`;

    expect((await get(url)).body.checks.probe).toBeUndefined();
    expect(upstreamCalls(z.control)).toBe(0);
    const probed = await get(url, { 'x-probe': 'yes' });
    expect(probed).toMatchObject({
      status: 200,
      body: { checks: { probe: { status: 'ok', call: 'read' } } },
    });
    expect(upstreamCalls(z.control)).toBe(1);
    z.control.revokeApiKey(D.apiKey);
    const refused = await get(url, { 'x-probe': 'yes' });
    expect(refused).toMatchObject({
      status: 503,
      body: { checks: { probe: { status: 'down', code: 'UNAUTHORIZED' } } },
    });
    expect(refused.text).not.toContain(D.apiKey);
  });

  it('a bad option is INVALID_OPTIONS at once; no engine on the route is a 500 through the error handler', async () => {
    expect(() => zenotiHealth({ auth: {} as never })).toThrow(expect.objectContaining({ field: 'auth' }));
    expect(() => zenotiHealth({ probe: 'yes' as never })).toThrow(
      expect.objectContaining({ field: 'probe' }),
    );
    const app = express();
    app.get('/health', zenotiHealth());
    app.use(zenotiErrorHandler({ onError: () => undefined }));
    const res = await fetch(`${await listen(app)}/health`);
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({
      error: { code: 'INVALID_OPTIONS', message: 'The Zenoti integration is misconfigured.' },
    });
  });
});
