import { ZenotiAuth } from '@zenoti-auth/core';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { type ZenotiAuthEnv, type ZenotiAuthMiddlewareOptions, zenotiAuth } from '../src/index.ts';
import { zenotiProxy } from '../src/proxy.ts';
import { apiKeyOptions, D, guestApp, serviceUser, upstreamCalls, zenoti } from './support.ts';

const [ALICE] = D.guests as unknown as [{ username: string; password: string; guestId: string }];

/** The proxy under /api/zenoti with `allow`, its warnings collected (no fair share: not the point here). */
function proxyApp(options: ZenotiAuthMiddlewareOptions, allow: string[]) {
  const warnings: string[] = [];
  const app = new Hono<ZenotiAuthEnv>();
  app.use('/api/zenoti/*', zenotiAuth(options));
  app.all(
    '/api/zenoti/*',
    zenotiProxy({
      prefix: '/api/zenoti',
      allow,
      fairShare: false,
      onWarning: (message) => warnings.push(message),
    }),
  );
  return { app, warnings };
}

describe("zenotiProxy(): parameters match Zenoti ids, not Zenoti's words", () => {
  it("'GET /v1/guests/:id' forwards a guest id, never /v1/guests/search (the whole guest directory)", async () => {
    const z = await zenoti();
    const { app, warnings } = proxyApp(apiKeyOptions(z.url), ['GET /v1/guests/:id']);
    for (const path of ['/v1/guests/search', '/v1/guests/search?user_name=alice', '/v1/guests/SEARCH']) {
      const res = await app.request(`/api/zenoti${path}`);
      expect(res.status, path).toBe(404);
      expect(await res.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
    }
    expect(upstreamCalls(z.control)).toBe(0);
    const guest = await app.request(`/api/zenoti/v1/guests/${ALICE.guestId.toUpperCase()}`);
    expect(guest.status).toBe(200);
    expect(((await guest.json()) as { id: string }).id).toBe(ALICE.guestId);
    expect(z.control.requests().map((r) => r.path)).toEqual([`/v1/guests/${ALICE.guestId.toUpperCase()}`]);
    expect(warnings).toEqual([]);
  });

  it('a rule widened to any segment forwards /v1/guests/search, and warns once, at the first request with the API key', async () => {
    const z = await zenoti();
    const allow = ['GET /v1/centers', 'GET /v1/guests/:id{[^/]+}', 'GET /v1/things/*'];
    const { app, warnings } = proxyApp(apiKeyOptions(z.url), allow);
    expect(warnings).toEqual([]); // the credential is known per request only
    expect((await app.request('/api/zenoti/v1/guests/search')).status).toBe(200);
    expect((await app.request('/api/zenoti/v1/centers')).status).toBe(200);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("'GET /v1/guests/:id{[^/]+}', 'GET /v1/things/*'");
    expect(warnings[0]).toContain("the app's own credential");
    expect(warnings[0]).toContain('the first such request');
    expect(warnings[0]).not.toContain("'GET /v1/centers'");
    expect(warnings[0]).not.toContain(D.apiKey);
  });

  it('warns for the service user too, never for a narrowed pattern', async () => {
    const z = await zenoti();
    const wide = proxyApp(serviceUser(z.url), ['GET /v1/centers/:code{[A-Z0-9]+}', 'GET /v1/centers']);
    expect((await wide.app.request('/api/zenoti/v1/centers')).status).toBe(200);
    expect(wide.warnings).toHaveLength(1);
    expect(wide.warnings[0]).toContain("'GET /v1/centers/:code{[A-Z0-9]+}'");
    const narrow = proxyApp(serviceUser(z.url), ['GET /v1/centers/:n{\\d+}', 'GET /v1/centers/:id']);
    expect((await narrow.app.request('/api/zenoti/v1/centers/123')).status).toBe(404); // Zenoti's answer
    expect(narrow.warnings).toEqual([]);
  });

  it("does not warn when every request uses a signed-in end user's own token", async () => {
    const z = await zenoti();
    const auth = new ZenotiAuth(guestApp(z.url));
    const { principal } = await auth.login({ username: ALICE.username, password: ALICE.password });
    const { app, warnings } = proxyApp({ auth, principal: () => principal }, ['GET /v1/guests/:id{[^/]+}']);
    expect((await app.request(`/api/zenoti/v1/guests/${ALICE.guestId}`)).status).toBe(200);
    // The guest's own token: Zenoti refuses it the directory.
    expect((await app.request('/api/zenoti/v1/guests/search')).status).toBe(403);
    expect(warnings).toEqual([]);
  });
});
