import type { ZenotiAuth } from '@zenoti-auth/core';
import express, { type Request } from 'express';
import { describe, expectTypeOf, it } from 'vitest';
import { type ZenotiAuthResolver, type ZenotiRequestContext, zenotiAuth } from '../src/index.ts';

// Compile-time checks (tsc -p tsconfig.test.json, and vitest's expectTypeOf): Express's own Request
// carries a typed `zenoti`, by module augmentation, with no cast and no generic to pass.

describe('types', () => {
  it("augments Express's Request with a typed req.zenoti", () => {
    expectTypeOf<Request['zenoti']>().toEqualTypeOf<ZenotiRequestContext>();
    expectTypeOf<ZenotiRequestContext['auth']>().toEqualTypeOf<ZenotiAuth>();
    expectTypeOf<ZenotiRequestContext['fetch']>().returns.toEqualTypeOf<Promise<Response>>();
    expectTypeOf<ZenotiRequestContext['signal']>().toEqualTypeOf<AbortSignal>();
    const app = express();
    app.use(zenotiAuth({ apiKey: 'k'.repeat(32), principal: (req) => req.get('x-session') }));
    app.get('/', async (req, res) => {
      expectTypeOf(req.zenoti.principal).toEqualTypeOf<string | undefined>();
      res.json(await (await req.zenoti.fetch('/v1/centers')).json());
    });
  });

  it('takes options or a resolver, and refuses an API key beside an app', () => {
    expectTypeOf<ZenotiAuthResolver>().toMatchTypeOf<Parameters<typeof zenotiAuth>[0]>();
    // Never called: only its type is checked.
    const _mixed = () =>
      // @ts-expect-error an API key and an app are mutually exclusive
      zenotiAuth({ apiKey: 'k', app: { accountName: 'a', appId: 'b', appSecret: 'c' } });
    expectTypeOf(_mixed).returns.toEqualTypeOf<ReturnType<typeof zenotiAuth>>();
  });
});
