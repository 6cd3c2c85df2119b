import { request as httpRequest } from 'node:http';
import { describe, expect, it } from 'vitest';
import { configFromEnv } from '../src/config.ts';
import { D, serverSecrets, startDemo } from './support.ts';

const [alice] = D.guests;

/** A GET with the request target exactly as written (fetch() would resolve `..`). */
function rawGet(url: string, target: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${url}${target}`, { path: target }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.once('error', reject);
    req.end();
  });
}

describe('fastify-demo (real HTTP)', () => {
  it('lists centres through the proxy, signs a guest in, shows their profile and signs out; no secret out', async () => {
    const { url, control, store } = await startDemo();
    const seen: string[] = [];
    const record = async (res: Response): Promise<Response> => {
      seen.push(JSON.stringify([...res.headers]), await res.clone().text());
      return res;
    };

    const page = await record(await fetch(`${url}/`));
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const centres = await record(await fetch(`${url}/api/zenoti/v1/centers`));
    expect(((await centres.json()) as { centers: unknown[] }).centers).toHaveLength(3);
    // The proxy's answer keeps its own policy, not the page's.
    expect(centres.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");

    const login = await record(
      await fetch(`${url}/auth/login`, {
        method: 'POST',
        body: new URLSearchParams({ username: alice.username, password: alice.password }),
        headers: { origin: url },
      }),
    );
    expect(login.status).toBe(200);
    expect(login.headers.get('cache-control')).toBe('no-store');
    const cookie = (login.headers.get('set-cookie') as string).split(';')[0] as string;
    const me = await record(await fetch(`${url}/me`, { headers: { cookie } }));
    expect(await me.json()).toEqual({
      id: alice.guestId,
      firstName: 'Alice',
      lastName: 'Anderson',
      email: alice.username,
    });
    const out = await record(
      await fetch(`${url}/auth/logout`, { method: 'POST', headers: { origin: url, cookie } }),
    );
    expect(await out.json()).toEqual({ signedOut: true, revoked: true });
    expect(control.counters().revoke.ok).toBe(1);
    const after = await fetch(`${url}/me`, { headers: { cookie } });
    expect([after.status, ((await after.json()) as { error: { code: string } }).error.code]).toEqual([
      401,
      'LOGIN_REQUIRED',
    ]);

    // Two engines, two contexts: the proxy sent the API key, the profile the guest's own token.
    const auth = (path: string) => control.requests().find((r) => r.path === path)?.authorization;
    expect(auth('/v1/centers')).toBe(`apikey …${D.apiKey.slice(-4)}`);
    expect(auth(`/v1/guests/${alice.guestId}`)).toMatch(/^bearer …/);
    const everything = seen.join('\n');
    for (const secret of [...serverSecrets(store), alice.password]) expect(everything).not.toContain(secret);
  });

  it('refuses proxy paths off the allow-list and path tricks before calling Zenoti', async () => {
    const { url, control } = await startDemo();
    for (const path of [
      '/api/zenoti/v1/guests/search',
      '/api/zenoti/v1/tokens',
      '/api/zenoti//evil.example/x',
      '/api/zenoti/v1%2fguests',
      '/api/zenoti/v1/centers/../guests/search',
    ]) {
      expect([400, 404], path).toContain(await rawGet(url, path));
    }
    expect(control.requests()).toEqual([]);
  });

  it('GET /health: 200 with no call to Zenoti; 503 once Zenoti refuses the API key; no secret', async () => {
    const { url, control, store } = await startDemo();
    const fresh = await fetch(`${url}/health`);
    const freshText = await fresh.text();
    expect([fresh.status, fresh.headers.get('cache-control')]).toEqual([200, 'no-store']);
    expect(JSON.parse(freshText)).toMatchObject({ ok: true, checks: { credential: { mode: 'apiKey' } } });
    expect(control.counters().resources.total).toBe(0);
    control.revokeApiKey(D.apiKey);
    expect((await fetch(`${url}/api/zenoti/v1/centers`)).status).not.toBe(200);
    const down = await fetch(`${url}/health`);
    const downText = await down.text();
    expect(down.status).toBe(503);
    expect(JSON.parse(downText)).toMatchObject({ ok: false, status: 'down' });
    for (const secret of serverSecrets(store)) expect(freshText + downText).not.toContain(secret);
  });

  it('reads its configuration from the environment, naming what is missing', () => {
    expect(() => configFromEnv({ ZENOTI_API_KEY: 'k' })).toThrow(
      'fastify-demo: set ZENOTI_ACCOUNT_NAME, ZENOTI_APP_ID, ZENOTI_APP_SECRET, SESSION_SECRET',
    );
  });
});
