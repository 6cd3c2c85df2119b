import type { ZenotiAuth } from '@zenoti-auth/core';
import Fastify, { type FastifyRequest } from 'fastify';
import { describe, expectTypeOf, it } from 'vitest';
import {
  type ZenotiAuthPluginOptions,
  type ZenotiAuthResolver,
  type ZenotiRequestContext,
  zenotiAuth,
  zenotiHealth,
} from '../src/index.ts';
import { zenotiProxy } from '../src/proxy.ts';
import { type ZenotiSignIn, zenotiSignIn } from '../src/sign-in.ts';

// Compile-time checks (tsc -p tsconfig.test.json, and vitest's expectTypeOf): Fastify's own request
// type carries a typed `zenoti`, by module augmentation, with no cast and no generic to pass, and
// `app.register()` checks each plugin's options.

describe('types', () => {
  it("augments Fastify's request with a typed request.zenoti", () => {
    expectTypeOf<FastifyRequest['zenoti']>().toEqualTypeOf<ZenotiRequestContext>();
    expectTypeOf<ZenotiRequestContext['auth']>().toEqualTypeOf<ZenotiAuth>();
    expectTypeOf<ZenotiRequestContext['fetch']>().returns.toEqualTypeOf<Promise<Response>>();
    expectTypeOf<ZenotiRequestContext['signal']>().toEqualTypeOf<AbortSignal>();
    const app = Fastify();
    app.register(zenotiAuth, {
      apiKey: 'k'.repeat(32),
      principal: (request) => request.headers['x-session'] as string,
    });
    app.get('/', async (request) => {
      expectTypeOf(request.zenoti.principal).toEqualTypeOf<string | undefined>();
      return (await request.zenoti.fetch('/v1/centers')).json();
    });
  });

  it("checks each plugin's options at register(), Fastify's own (prefix, logLevel) allowed beside them", () => {
    expectTypeOf<{ resolve: ZenotiAuthResolver }>().toMatchTypeOf<ZenotiAuthPluginOptions>();
    const app = Fastify();
    app.register(zenotiAuth, { resolve: (request) => ({ apiKey: String(request.headers['x-key']) }) });
    app.register(zenotiHealth, { path: '/ready', probe: (request) => request.headers['x-probe'] === 'yes' });
    app.register(zenotiProxy, { prefix: '/api/zenoti', allow: ['GET /v1/centers'], logLevel: 'warn' });
    const signIn = zenotiSignIn({ cookie: { secret: 's'.repeat(32) } });
    expectTypeOf(signIn).toEqualTypeOf<ZenotiSignIn>();
    app.register(signIn, { prefix: '/auth', loginPath: '/in' });
    // Never called: only their types are checked.
    const _mixed = () =>
      // @ts-expect-error an API key and an app are mutually exclusive
      app.register(zenotiAuth, { apiKey: 'k', app: { accountName: 'a', appId: 'b', appSecret: 'c' } });
    // @ts-expect-error the proxy needs its allow-list
    const _noAllow = () => app.register(zenotiProxy, { prefix: '/api/zenoti' });
    expectTypeOf(_mixed).toBeFunction();
    expectTypeOf(_noAllow).toBeFunction();
  });
});
