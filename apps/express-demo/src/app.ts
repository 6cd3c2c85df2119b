import { ZenotiAuth, ZenotiAuthError } from '@zenoti-auth/core';
import { zenotiAuth, zenotiErrorHandler, zenotiHealth } from '@zenoti-auth/express';
import { zenotiProxy } from '@zenoti-auth/express/proxy';
import { zenotiSignIn } from '@zenoti-auth/express/sign-in';
import express, { type Express } from 'express';
import type { DemoConfig } from './config.ts';
import { PAGE, SCRIPT } from './page.ts';

/** What the browser may reach of Zenoti through the proxy (with the server's API key). */
export const PROXY_ALLOW = ['GET /v1/centers', 'GET /v1/centers/:id', 'GET /v1/centers/:id/services'];

/** The page's security headers: its own scripts only, no framing. */
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'";

interface Guest {
  id: string;
  personal_info?: { user_name?: string; first_name?: string; last_name?: string; email?: string };
}

/**
 * The demo: a page, a proxy to a few Zenoti paths (API key, server-side), guest sign-in with the
 * guest's own Zenoti token, "my profile", sign-out (revokes) and a health route. No credential
 * reaches the browser.
 */
export function createDemoApp(config: DemoConfig): Express {
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
    subject: async (_req, { username }) => {
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

  const app = express();
  app.disable('x-powered-by');
  app.use((_req, res, next) => {
    res.setHeader('content-security-policy', CSP);
    res.setHeader('x-content-type-options', 'nosniff');
    next();
  });
  app.use('/auth', (_req, res, next) => {
    res.setHeader('cache-control', 'no-store');
    next();
  });

  app.get('/', (_req, res) => {
    res.type('html').send(PAGE);
  });
  app.get('/app.js', (_req, res) => {
    res.type('text/javascript').send(SCRIPT);
  });
  // The server's API key engine: 200 while it can serve calls, 503 when Zenoti refuses the key.
  app.get('/health', zenotiHealth({ auth: server }));
  // The browser's way to Zenoti: /api/zenoti/v1/centers → {baseUrl}/v1/centers, with the API key.
  app.use('/api/zenoti', zenotiAuth({ auth: server }), zenotiProxy({ allow: PROXY_ALLOW }));

  app.post('/auth/login', guests, signIn.login);
  app.post('/auth/logout', guests, signIn.logout);
  app.get('/me', guests, async (req, res, next) => {
    try {
      res.setHeader('cache-control', 'no-store');
      const session = await signIn.session(req);
      // No session: the adapter's 401 LOGIN_REQUIRED (core's one table), through zenotiErrorHandler().
      if (!session?.subject) throw new ZenotiAuthError('LOGIN_REQUIRED', 'No guest session.');
      const zenoti = await req.zenoti.fetch(`/v1/guests/${encodeURIComponent(session.subject)}`);
      if (!zenoti.ok) {
        res.status(502).json({ error: { code: 'ZENOTI', message: `Zenoti answered ${zenoti.status}.` } });
        return;
      }
      const p = ((await zenoti.json()) as Guest).personal_info ?? {};
      res.json({ id: session.subject, firstName: p.first_name, lastName: p.last_name, email: p.email });
    } catch (error) {
      next(error);
    }
  });

  app.use(zenotiErrorHandler());
  return app;
}
