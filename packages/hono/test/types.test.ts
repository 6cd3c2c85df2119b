import type { ZenotiAuth } from '@zenoti-auth/core';
import { Hono } from 'hono';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { type ZenotiAuthEnv, type ZenotiContext, zenotiAuth } from '../src/index.ts';
import { zenotiProxy } from '../src/proxy.ts';
import { zenotiSignIn } from '../src/sign-in.ts';
import { D } from './support.ts';

// These cases run under vitest (expectTypeOf is a no-op at run time) and are checked by
// `tsc -p tsconfig.test.json` (the package's `typecheck` script): a wrong type fails the typecheck.
describe('types', () => {
  it('types c.var.zenoti on new Hono<ZenotiAuthEnv>() without casts', () => {
    const app = new Hono<ZenotiAuthEnv>();
    app.use(zenotiAuth({ apiKey: D.apiKey }));
    app.get('/', async (c) => {
      expectTypeOf(c.var.zenoti).toEqualTypeOf<ZenotiContext>();
      expectTypeOf(c.get('zenoti').auth).toEqualTypeOf<ZenotiAuth>();
      expectTypeOf(c.var.zenoti.principal).toEqualTypeOf<string | undefined>();
      expectTypeOf(c.var.zenoti.fetch('/v1/centers')).resolves.toEqualTypeOf<Response>();
      expectTypeOf(c.var.zenoti.authorization()).resolves.toEqualTypeOf<string>();
      return c.text('ok');
    });
  });

  it('merges with the user Env: typed c.env in the resolver and in handlers', () => {
    type AppEnv = ZenotiAuthEnv & { Bindings: { ZENOTI_API_KEY: string }; Variables: { requestId: string } };
    const app = new Hono<AppEnv>();
    app.use(
      // The app's Env is named once: Hono cannot pass it into a middleware factory by itself.
      zenotiAuth<AppEnv>((c) => {
        expectTypeOf(c.env.ZENOTI_API_KEY).toEqualTypeOf<string>();
        return { apiKey: c.env.ZENOTI_API_KEY };
      }),
    );
    app.get('/', (c) => {
      expectTypeOf(c.var.zenoti).toEqualTypeOf<ZenotiContext>();
      expectTypeOf(c.var.requestId).toEqualTypeOf<string>();
      return c.text('ok');
    });
  });

  it('types c.var.zenoti on a route that mounts the middleware, even on an untyped app', () => {
    const app = new Hono();
    app.get('/', zenotiAuth({ apiKey: D.apiKey }), (c) => {
      expectTypeOf(c.var.zenoti).toEqualTypeOf<ZenotiContext>();
      return c.text('ok');
    });
  });

  it('types the principal resolver, the proxy and the sign-in handlers', () => {
    const signIn = zenotiSignIn({ cookie: { secret: 'x'.repeat(32) } });
    expectTypeOf(signIn.principal).returns.resolves.toEqualTypeOf<string | undefined>();
    const app = new Hono<ZenotiAuthEnv>();
    const guests = zenotiAuth({
      app: { accountName: D.accountName, ...D.guestApp },
      principal: signIn.principal,
    });
    app.post('/login', guests, signIn.login);
    app.post('/logout', guests, signIn.logout);
    app.all('/api/*', zenotiAuth({ apiKey: D.apiKey }), zenotiProxy({ allow: ['GET /v1/centers'] }));
    // @ts-expect-error `principal` must be a function of the context
    expect(() => zenotiAuth({ apiKey: D.apiKey, principal: 'alice' })).toThrow(/principal/);
    const both = { apiKey: D.apiKey, app: { accountName: 'a', appId: 'b', appSecret: 'c' } };
    // @ts-expect-error an API key and app credentials exclude each other
    expect(() => zenotiAuth(both)).toThrow();
  });
});
