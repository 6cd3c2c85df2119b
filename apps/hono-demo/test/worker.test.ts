import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startMockZenoti } from '@zenoti-auth/mock-server';
import { serveWorker, serveWorkers } from '@zenoti-auth/test-support/workerd';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { D, SESSION_SECRET } from './support.ts';

const dir = mkdtempSync(join(tmpdir(), 'hono-demo-worker-'));
const bundle = join(dir, 'worker.js');

beforeAll(() => {
  execFileSync(
    process.execPath,
    [fileURLToPath(new URL('../scripts/build-worker.mjs', import.meta.url)), bundle],
    {
      stdio: 'pipe',
    },
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('hono-demo as a Cloudflare Worker', () => {
  it('builds one ESM bundle without Node built-ins, the mock server or any secret', () => {
    expect(statSync(bundle).size).toBeGreaterThan(10_000);
    const code = readFileSync(bundle, 'utf8');
    expect(code).not.toMatch(/\bfrom\s*["']node:|require\(["']node:|import\(["']node:/);
    expect(code).not.toMatch(/@hono\/node-server|zenoti-mock/);
    for (const secret of [D.apiKey, D.guestApp.appSecret, ...D.guests.map((g) => g.password)]) {
      expect(code).not.toContain(secret);
    }
  });

  it('runs in workerd: page, centres through the proxy, guest sign-in, profile and sign-out', async () => {
    const mock = await startMockZenoti({ rateLimit: false });
    const worker = await serveWorker(dir, {
      ZENOTI_BASE_URL: mock.url,
      ZENOTI_API_KEY: D.apiKey,
      ZENOTI_ACCOUNT_NAME: D.accountName,
      ZENOTI_APP_ID: D.guestApp.appId,
      ZENOTI_APP_SECRET: D.guestApp.appSecret,
      SESSION_SECRET,
    });
    try {
      const [alice] = D.guests;
      const origin = { origin: worker.url };
      const page = await fetch(`${worker.url}/`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('zenoti-auth · Hono demo');
      const centres = (await (await fetch(`${worker.url}/api/zenoti/v1/centers`)).json()) as {
        centers: unknown[];
      };
      expect(centres.centers).toHaveLength(3);
      const login = await fetch(`${worker.url}/auth/login`, {
        method: 'POST',
        headers: origin,
        body: new URLSearchParams({ username: alice.username, password: alice.password }),
      });
      expect(login.status, worker.output()).toBe(200);
      const setCookie = login.headers.get('set-cookie') as string;
      expect(setCookie).toMatch(/HttpOnly; Secure; SameSite=Lax/);
      const cookie = setCookie.split(';')[0] as string;
      const me = await fetch(`${worker.url}/me`, { headers: { cookie } });
      expect(await me.json()).toMatchObject({ id: alice.guestId, firstName: 'Alice' });
      const out = await fetch(`${worker.url}/auth/logout`, {
        method: 'POST',
        headers: { ...origin, cookie },
      });
      expect(await out.json()).toEqual({ signedOut: true, revoked: true });
      expect(mock.control.counters().revoke.ok).toBe(1);
    } finally {
      await worker.close();
      await mock.close();
    }
  });

  it('with the ZENOTI_AUTH binding, serves a guest signed in through one isolate from another (tokens in the Durable Object)', async () => {
    const mock = await startMockZenoti({ rateLimit: false });
    const bindings = {
      ZENOTI_BASE_URL: mock.url,
      ZENOTI_API_KEY: D.apiKey,
      ZENOTI_ACCOUNT_NAME: D.accountName,
      ZENOTI_APP_ID: D.guestApp.appId,
      ZENOTI_APP_SECRET: D.guestApp.appSecret,
      SESSION_SECRET,
    };
    const object = { className: 'ZenotiAuthObject', binding: 'ZENOTI_AUTH' };
    /** Signs alice in through the isolate `first`, then asks `second` for her profile. */
    const profileElsewhere = async (urls: Record<string, string>): Promise<number> => {
      const [alice] = D.guests;
      const login = await fetch(`${urls.first}/auth/login`, {
        method: 'POST',
        headers: { origin: urls.first as string },
        body: new URLSearchParams({ username: alice.username, password: alice.password }),
      });
      expect(login.status).toBe(200);
      const cookie = (login.headers.get('set-cookie') as string).split(';')[0] as string;
      return (await fetch(`${urls.second}/me`, { headers: { cookie } })).status;
    };
    try {
      const shared = await serveWorkers(dir, [
        { name: 'first', bindings, defines: object },
        { name: 'second', bindings, binds: { ...object, serviceName: 'first' } },
      ]);
      try {
        expect(await profileElsewhere(shared.urls), shared.output()).toBe(200);
      } finally {
        await shared.close();
      }
      // Without the binding each isolate keeps its own guests: the other one does not know her.
      const apart = await serveWorkers(dir, [
        { name: 'first', bindings },
        { name: 'second', bindings },
      ]);
      try {
        expect(await profileElsewhere(apart.urls)).toBe(401);
      } finally {
        await apart.close();
      }
    } finally {
      await mock.close();
    }
  });
});
