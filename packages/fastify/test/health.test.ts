import { ZenotiAuth } from '@zenoti-auth/core';
import { healthOf } from '@zenoti-auth/core/health';
import type { MockControl } from '@zenoti-auth/mock-server';
import { describe, expect, it } from 'vitest';
import { zenotiAuth, zenotiHealth } from '../src/index.ts';
import { apiKeyOptions, D, fastify, listen, SECRETS, serviceUser, WatchedStore, zenoti } from './support.ts';

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

/** Every call the mock has seen (tokens, revokes, resources). */
function upstreamCalls(control: MockControl): number {
  const { token, revoke, resources } = control.counters();
  return token.total + revoke.total + resources.total + resources.faulted;
}

describe('zenotiHealth plugin (real HTTP)', () => {
  it('200 with the snapshot while ok, 503 when down; no call to Zenoti, never cached, no secret', async () => {
    const z = await zenoti();
    const store = new WatchedStore();
    const auth = new ZenotiAuth(serviceUser(z.url, { store, retry: { retries: 0 } }));
    const app = fastify();
    await app.register(zenotiHealth, { auth });
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

  it("probes when told to, per request, with the engine of the context's zenotiAuth, at its path under the prefix", async () => {
    const z = await zenoti();
    const app = fastify();
    await app.register(
      async (ops) => {
        await ops.register(zenotiAuth, apiKeyOptions(z.url));
        await ops.register(zenotiHealth, {
          path: '/ready',
          probe: (request) => request.headers['x-probe'] === 'yes',
        });
      },
      { prefix: '/ops' },
    );
    const url = `${await listen(app)}/ops/ready`;

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

  it('fails to load, INVALID_OPTIONS, on a bad option or with no engine in its context', async () => {
    const z = await zenoti();
    const cases: Array<[(app: ReturnType<typeof fastify>) => void, string]> = [
      [(app) => app.register(zenotiHealth, { auth: {} as never }), 'auth'],
      [
        (app) =>
          app.register(zenotiHealth, { auth: new ZenotiAuth(apiKeyOptions(z.url)), probe: 'yes' as never }),
        'probe',
      ],
      [
        (app) => app.register(zenotiHealth, { auth: new ZenotiAuth(apiKeyOptions(z.url)), path: 'health' }),
        'path',
      ],
      // zenotiAuth in a sibling context is not this one's: no engine to report on.
      [
        (app) => {
          app.register(async (sibling) => sibling.register(zenotiAuth, apiKeyOptions(z.url)));
          app.register(zenotiHealth);
        },
        'auth',
      ],
    ];
    for (const [setUp, field] of cases) {
      const app = fastify();
      setUp(app);
      await expect(app.ready(), field).rejects.toMatchObject({ code: 'INVALID_OPTIONS', field });
    }
  });
});
