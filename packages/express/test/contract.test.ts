import type { AddressInfo } from 'node:net';
import { type ContractServer, proxyContract } from '@zenoti-auth/test-support/proxy-contract';
import { signInContract } from '@zenoti-auth/test-support/sign-in-contract';
import type { Express } from 'express';
import { zenotiAuth, zenotiErrorHandler } from '../src/index.ts';
import { zenotiProxy } from '../src/proxy.ts';
import { zenotiSignIn } from '../src/sign-in.ts';
import { EXPRESS_VERSIONS } from './frameworks.ts';

// The contracts every framework's proxy and sign-in meet (tools/test-support), run against the
// Express skins on Express 5 and 4, each served on 127.0.0.1 over real HTTP.

/** Serves `app` on 127.0.0.1 and a free port. */
async function served(app: Express): Promise<ContractServer> {
  const server = await new Promise<ReturnType<Express['listen']>>((resolve, reject) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

for (const [version, express] of EXPRESS_VERSIONS) {
  // Mounted as an Express app mounts it: app.use(prefix, …) removes the prefix itself.
  proxyContract(`Express (${version})`, ({ auth, proxy: { prefix = '', ...proxy } }) => {
    const app = express();
    app.use(prefix, zenotiAuth(auth), zenotiProxy(proxy));
    return served(app);
  });

  signInContract(`Express (${version})`, ({ auth, signIn: options }) => {
    const signIn = zenotiSignIn(options);
    const guests = zenotiAuth({ ...auth, principal: signIn.principal });
    const app = express();
    app.post('/auth/login', guests, signIn.login);
    app.post('/auth/logout', guests, signIn.logout);
    app.get('/me', guests, async (req, res, next) => {
      try {
        res.json({ status: (await req.zenoti.fetch('/v1/centers')).status });
      } catch (error) {
        next(error);
      }
    });
    app.use(zenotiErrorHandler({ onError: () => undefined }));
    return served(app);
  });
}
