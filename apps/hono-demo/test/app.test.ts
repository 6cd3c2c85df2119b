import { describe, expect, it } from 'vitest';
import { createDemoApp } from '../src/app.ts';
import { configFromEnv } from '../src/config.ts';
import { D, demoConfig, serverSecrets } from './support.ts';

const ORIGIN = 'http://localhost';
const [alice] = D.guests;

describe('hono-demo app (app.request)', () => {
  it('lists centres through the proxy, signs a guest in, shows their profile and signs out', async () => {
    const { control, store, config } = await demoConfig();
    const app = createDemoApp(config);
    const seen: string[] = [];
    const record = async (res: Response): Promise<Response> => {
      seen.push(JSON.stringify([...res.headers]), await res.clone().text());
      return res;
    };

    const page = await record(await app.request('/'));
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const centres = await record(await app.request('/api/zenoti/v1/centers'));
    expect(((await centres.json()) as { centers: unknown[] }).centers).toHaveLength(3);

    const login = await record(
      await app.request('/auth/login', {
        method: 'POST',
        body: new URLSearchParams({ username: alice.username, password: alice.password }),
        headers: { origin: ORIGIN },
      }),
    );
    expect(login.status).toBe(200);
    const cookie = (login.headers.get('set-cookie') as string).split(';')[0] as string;
    const me = await record(await app.request('/me', { headers: { cookie } }));
    expect(await me.json()).toEqual({
      id: alice.guestId,
      firstName: 'Alice',
      lastName: 'Anderson',
      email: alice.username,
    });
    const out = await record(
      await app.request('/auth/logout', { method: 'POST', headers: { origin: ORIGIN, cookie } }),
    );
    expect(await out.json()).toEqual({ signedOut: true, revoked: true });
    expect(control.counters().revoke.ok).toBe(1);
    expect((await app.request('/me', { headers: { cookie } })).status).toBe(401);

    const everything = seen.join('\n');
    for (const secret of [...serverSecrets(store), alice.password]) expect(everything).not.toContain(secret);
  });

  it('refuses proxy paths off the allow-list and path tricks before calling Zenoti', async () => {
    const { control, config } = await demoConfig();
    const app = createDemoApp(config);
    for (const path of [
      '/api/zenoti/v1/guests/search',
      '/api/zenoti/v1/tokens',
      '/api/zenoti//evil.example/x',
      '/api/zenoti/v1%2fguests',
    ]) {
      expect([400, 404]).toContain((await app.request(path)).status);
    }
    expect(control.requests()).toEqual([]);
  });

  it('reads its configuration from the environment, naming what is missing', () => {
    expect(() => configFromEnv({ ZENOTI_API_KEY: 'k' })).toThrow(
      'hono-demo: set ZENOTI_ACCOUNT_NAME, ZENOTI_APP_ID, ZENOTI_APP_SECRET, SESSION_SECRET',
    );
    const config = configFromEnv({
      ZENOTI_BASE_URL: 'https://api.zenoti.com',
      ZENOTI_API_KEY: 'key',
      ZENOTI_ACCOUNT_NAME: 'spa',
      ZENOTI_APP_ID: 'id',
      ZENOTI_APP_SECRET: 'secret',
      SESSION_SECRET: 'x'.repeat(32),
    });
    expect(config.zenoti).toEqual({
      baseUrl: 'https://api.zenoti.com',
      apiKey: 'key',
      guestApp: { accountName: 'spa', appId: 'id', appSecret: 'secret' },
    });
  });
});
