import { ZenotiAuth, ZenotiAuthError } from '@zenoti-auth/core';
import { zenotiAuth, zenotiErrorHandler, zenotiHealth } from '@zenoti-auth/fastify';
import { zenotiProxy } from '@zenoti-auth/fastify/proxy';
import { zenotiSignIn } from '@zenoti-auth/fastify/sign-in';
import Fastify, { type FastifyInstance } from 'fastify';
import type { DemoConfig } from './config.ts';
import { PAGE, SCRIPT } from './page.ts';

/** What the browser may reach of Zenoti through the proxy (with the server's API key). */
export const PROXY_ALLOW = ['GET /v1/centers', 'GET /v1/centers/:id', 'GET /v1/centers/:id/services'];

/** The page's policy: its own script and forms only, never framed. The proxy's answers keep their own. */
const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'";

interface Guest {
  id: string;
  center_id?: string;
  personal_info?: { user_name?: string; first_name?: string; last_name?: string; email?: string };
}

/**
 * The demo: a page, a proxy to a few Zenoti paths (API key, server-side), guest sign-in with the
 * guest's own Zenoti token, "my profile", and sign-out (revokes). No credential reaches the browser.
 * Two engines in two encapsulated contexts: the server's API key under /api/zenoti, the guests' app
 * for /auth/* and /me; neither context sees the other's `request.zenoti`.
 */
export async function createDemoApp(config: DemoConfig): Promise<FastifyInstance> {
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
    subject: async (_request, { username }) => {
      const res = await server.fetch(`/v1/guests/search?user_name=${encodeURIComponent(username)}&size=5`);
      if (!res.ok) return undefined;
      const { guests = [] } = (await res.json()) as { guests?: Guest[] };
      return guests.find((g) => g.personal_info?.user_name?.toLowerCase() === username.toLowerCase())?.id;
    },
  });

  const app = Fastify();
  app.addHook('onRequest', async (_request, reply) => {
    reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
  });

  app.get('/', (_request, reply) => reply.type('text/html; charset=utf-8').send(PAGE));
  app.get('/app.js', (_request, reply) => reply.type('text/javascript; charset=utf-8').send(SCRIPT));
  // The server's API key engine: 200 while it can serve calls, 503 when Zenoti refuses the key.
  await app.register(zenotiHealth, { auth: server });

  // The browser's way to Zenoti: the server's credential, an allow-list.
  await app.register(
    async (api) => {
      await api.register(zenotiAuth, { auth: server });
      await api.register(zenotiProxy, { allow: PROXY_ALLOW });
    },
    { prefix: '/api/zenoti' },
  );

  // The guests: each with their own Zenoti token, found by the signed session cookie.
  await app.register(async (guests) => {
    await guests.register(zenotiAuth, {
      app: config.zenoti.guestApp,
      principal: signIn.principal,
      ...(baseUrl ? { baseUrl } : {}),
      ...(config.store ? { store: config.store } : {}),
      ...onEvent,
    });
    guests.setErrorHandler(zenotiErrorHandler());
    guests.addHook('onRequest', async (_request, reply) => {
      reply.header('cache-control', 'no-store');
    });
    await guests.register(signIn, { prefix: '/auth' });
    guests.get('/me', async (request, reply) => {
      const session = await signIn.session(request);
      // No session: the adapter's 401 LOGIN_REQUIRED answer (the one table of @zenoti-auth/core/http).
      if (!session?.subject) throw new ZenotiAuthError('LOGIN_REQUIRED', 'No guest session.');
      const res = await request.zenoti.fetch(`/v1/guests/${encodeURIComponent(session.subject)}`);
      if (!res.ok)
        return reply.code(502).send({ error: { code: 'ZENOTI', message: `Zenoti answered ${res.status}.` } });
      const guest = (await res.json()) as Guest;
      const p = guest.personal_info ?? {};
      return { id: guest.id, firstName: p.first_name, lastName: p.last_name, email: p.email };
    });
  });

  return app;
}
