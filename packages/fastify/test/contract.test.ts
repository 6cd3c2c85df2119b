import type { AddressInfo } from 'node:net';
import { type ContractServer, proxyContract } from '@zenoti-auth/test-support/proxy-contract';
import { signInContract } from '@zenoti-auth/test-support/sign-in-contract';
import Fastify, { type FastifyInstance } from 'fastify';
import { zenotiAuth, zenotiErrorHandler } from '../src/index.ts';
import { zenotiProxy } from '../src/proxy.ts';
import { zenotiSignIn } from '../src/sign-in.ts';

// The contracts every framework's proxy and sign-in meet (tools/test-support), run against Fastify
// 5 listening on 127.0.0.1, over real HTTP. Fastify's logger stays off: the skins' default log is
// the request's logger, which is then silent.

/** Serves `app` on 127.0.0.1 and a free port. */
async function served(app: FastifyInstance): Promise<ContractServer> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`,
    close: () => app.close(),
  };
}

proxyContract('Fastify', async ({ auth, proxy }) => {
  const app = Fastify();
  await app.register(zenotiAuth, auth);
  // The contract mounts the proxy at its `prefix` ('/api/zenoti'): Fastify's register prefix.
  const { prefix = '/api/zenoti', ...options } = proxy;
  await app.register(zenotiProxy, { ...options, prefix });
  return served(app);
});

signInContract('Fastify', async ({ auth, signIn: options }) => {
  const signIn = zenotiSignIn(options);
  const app = Fastify();
  await app.register(zenotiAuth, { ...auth, principal: signIn.principal });
  app.setErrorHandler(zenotiErrorHandler());
  await app.register(signIn, { prefix: '/auth' });
  app.get('/me', async (request) => ({ status: (await request.zenoti.fetch('/v1/centers')).status }));
  return served(app);
});
