import { ZenotiAuth, ZenotiAuthError } from '@zenoti-auth/core';
import { toHTTPException, type ZenotiAuthEnv, zenotiAuth, zenotiHealth } from '@zenoti-auth/hono';
import { zenotiProxy } from '@zenoti-auth/hono/proxy';
import { zenotiSignIn } from '@zenoti-auth/hono/sign-in';
import { Hono } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import type { DemoConfig } from './config.ts';
import { PAGE, SCRIPT } from './page.ts';

/** What the browser may reach of Zenoti through the proxy (with the server's API key). */
export const PROXY_ALLOW = ['GET /v1/centers', 'GET /v1/centers/:id', 'GET /v1/centers/:id/services'];

interface Guest {
  id: string;
  center_id?: string;
  personal_info?: { user_name?: string; first_name?: string; last_name?: string; email?: string };
}

/**
 * The demo: a page, a proxy to a few Zenoti paths (API key, server-side), guest sign-in with the
 * guest's own Zenoti token, "my profile", and sign-out (revokes). No credential reaches the browser.
 */
export function createDemoApp(config: DemoConfig): Hono<ZenotiAuthEnv> {
  const baseUrl = config.zenoti.baseUrl;
  const onEvent = config.onEvent ? { onEvent: config.onEvent } : {};
  const server = new ZenotiAuth({
    apiKey: config.zenoti.apiKey,
    ...(baseUrl ? { baseUrl } : {}),
    ...onEvent,
  });

  const signIn = zenotiSignIn({
    cookie: { name: 'demo_session', secret: config.sessionSecret, secure: config.secureCookies ?? true },
    // Zenoti's token answer does not name the guest: find the guest id by user name with the API key.
    subject: async (_c, { username }) => {
      const res = await server.fetch(`/v1/guests/search?user_name=${encodeURIComponent(username)}&size=5`);
      if (!res.ok) return undefined;
      const { guests = [] } = (await res.json()) as { guests?: Guest[] };
      return guests.find((g) => g.personal_info?.user_name?.toLowerCase() === username.toLowerCase())?.id;
    },
  });
  const guests = zenotiAuth({
    app: config.zenoti.guestApp,
    principal: signIn.principal,
    ...(baseUrl ? { baseUrl } : {}),
    ...(config.store ? { store: config.store } : {}),
    ...onEvent,
  });

  const app = new Hono<ZenotiAuthEnv>();
  app.use(
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    }),
  );
  app.use('/auth/*', async (c, next) => {
    await next();
    c.header('cache-control', 'no-store');
  });

  app.get('/', (c) => c.html(PAGE));
  // The server's API key engine: 200 while it can serve calls, 503 when Zenoti refuses the key.
  app.get('/health', zenotiHealth({ auth: server }));
  app.get('/app.js', (c) => c.body(SCRIPT, 200, { 'content-type': 'text/javascript; charset=utf-8' }));

  app.use('/api/zenoti/*', zenotiAuth({ auth: server }));
  app.all('/api/zenoti/*', zenotiProxy({ prefix: '/api/zenoti', allow: PROXY_ALLOW }));

  app.post('/auth/login', guests, signIn.login);
  app.post('/auth/logout', guests, signIn.logout);
  app.get('/me', guests, async (c) => {
    c.header('cache-control', 'no-store');
    const session = await signIn.session(c);
    // No session: the adapter's own 401 LOGIN_REQUIRED answer (the one table of @zenoti-auth/core/http).
    if (!session?.subject) throw toHTTPException(new ZenotiAuthError('LOGIN_REQUIRED', 'No guest session.'));
    const res = await c.var.zenoti.fetch(`/v1/guests/${encodeURIComponent(session.subject)}`);
    if (!res.ok) return c.json({ error: { code: 'ZENOTI', message: `Zenoti answered ${res.status}.` } }, 502);
    const guest = (await res.json()) as Guest;
    const p = guest.personal_info ?? {};
    return c.json({ id: guest.id, firstName: p.first_name, lastName: p.last_name, email: p.email });
  });

  return app;
}
