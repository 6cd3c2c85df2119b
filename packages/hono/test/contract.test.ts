import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { type ContractServer, proxyContract } from '@zenoti-auth/test-support/proxy-contract';
import { signInContract } from '@zenoti-auth/test-support/sign-in-contract';
import { Hono } from 'hono';
import { type ZenotiAuthEnv, zenotiAuth } from '../src/index.ts';
import { zenotiProxy } from '../src/proxy.ts';
import { zenotiSignIn } from '../src/sign-in.ts';

// The contracts every framework's proxy and sign-in meet (tools/test-support), run against Hono
// served by @hono/node-server, over real HTTP.

/** Serves `app` on 127.0.0.1 and a free port. */
async function served(app: Hono<ZenotiAuthEnv>): Promise<ContractServer> {
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        if ('closeAllConnections' in server) server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

proxyContract('Hono', ({ auth, proxy }) => {
  const app = new Hono<ZenotiAuthEnv>();
  app.use('/api/zenoti/*', zenotiAuth(auth));
  app.all('/api/zenoti/*', zenotiProxy(proxy));
  return served(app);
});

signInContract('Hono', ({ auth, signIn: options }) => {
  const signIn = zenotiSignIn(options);
  const guests = zenotiAuth({ ...auth, principal: signIn.principal });
  const app = new Hono<ZenotiAuthEnv>();
  app.post('/auth/login', guests, signIn.login);
  app.post('/auth/logout', guests, signIn.logout);
  app.get('/me', guests, async (c) => c.json({ status: (await c.var.zenoti.fetch('/v1/centers')).status }));
  return served(app);
});
