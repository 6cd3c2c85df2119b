import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { type ZenotiAuthEnv, zenotiAuth } from '../src/index.ts';
import { zenotiProxy } from '../src/proxy.ts';
import { zenotiSignIn } from '../src/sign-in.ts';
import { D, zenoti } from './support.ts';

// Compiled by the typecheck with exactOptionalPropertyTypes, as strict projects set it: values read
// from the environment are `string | undefined`, and an option given as `undefined` takes its default.
const env: Record<string, string | undefined> = {};

describe('option types under exactOptionalPropertyTypes', () => {
  it('take `undefined` for every optional option of zenotiAuth, zenotiProxy and zenotiSignIn', async () => {
    const z = await zenoti();
    const signIn = zenotiSignIn({
      cookie: {
        secret: 'a-session-secret-of-32-characters!',
        name: env.COOKIE_NAME,
        sameSite: undefined,
        secure: undefined,
        maxAge: undefined,
        path: undefined,
        domain: env.COOKIE_DOMAIN,
        prefix: undefined,
      },
      origins: undefined,
      limit: {
        perUsername: undefined,
        perAddress: undefined,
        windowSeconds: undefined,
        maxEntries: undefined,
      },
      subject: undefined,
      clientAddress: undefined,
      revealBlockedLogin: undefined,
      allowServiceUser: undefined,
    });
    const app = new Hono<ZenotiAuthEnv>();
    app.use(
      '/api/*',
      zenotiAuth({
        apiKey: D.apiKey,
        baseUrl: env.ZENOTI_BASE_URL ?? z.url,
        timeoutMs: undefined,
        principal: undefined,
        principalFallback: undefined,
        onError: undefined,
      }),
    );
    app.all(
      '/api/*',
      zenotiProxy({
        prefix: '/api',
        allow: ['GET /v1/centers'],
        forwardHeaders: undefined,
        fairShare: { perClient: undefined, maxClients: undefined },
        clientAddress: undefined,
        onWarning: undefined,
      }),
    );
    app.post('/login', signIn.login);
    expect((await app.request('/api/v1/centers')).status).toBe(200);
    // The sign-in with its defaults: a cross-site post is refused (origins default to the app's own).
    const res = await app.request('/login', { method: 'POST', headers: { origin: 'https://evil.example' } });
    expect(res.status).toBe(403);
  });
});
