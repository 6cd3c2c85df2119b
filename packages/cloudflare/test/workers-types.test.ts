import type {
  DurableObjectNamespace,
  DurableObjectState,
  Request as WorkersRequest,
} from '@cloudflare/workers-types/index.ts';
import { describe, expect, it } from 'vitest';
import {
  type DurableObjectNamespaceLike,
  type DurableObjectStateLike,
  DurableObjectTokenStore,
  ZenotiAuthObject,
} from '../src/index.ts';

// Compile-time checks (tsc -p tsconfig.test.json): Cloudflare's own Workers types fit the
// structural ones this package declares, so `c.env.ZENOTI_AUTH` typed as `DurableObjectNamespace`
// is accepted as it is, and the class is constructed and called with Workers' own `ctx` and
// `Request`. (Its answer is the global `Response`: Workers' own in a project with their types.)
type Fits<A, B> = A extends B ? true : false;
const namespaceFits: Fits<DurableObjectNamespace, DurableObjectNamespaceLike> = true;
const stateFits: Fits<DurableObjectState, DurableObjectStateLike> = true;
const objectFits = (state: DurableObjectState, request: WorkersRequest) =>
  new ZenotiAuthObject(state, {}).fetch(request);
const storeFromBinding = (env: { ZENOTI_AUTH: DurableObjectNamespace }) =>
  new DurableObjectTokenStore({ namespace: env.ZENOTI_AUTH });

describe("Cloudflare's Workers types", () => {
  it('fit the structural types of the package (checked by tsc; nothing to run)', () => {
    expect([namespaceFits, stateFits, typeof objectFits, typeof storeFromBinding]).toEqual([
      true,
      true,
      'function',
      'function',
    ]);
  });
});
