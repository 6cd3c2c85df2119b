import { MemoryTokenStore, type TokenStore, ZenotiAuthError } from '@zenoti-auth/core';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { type ZenotiAuthEnv, zenotiAuth } from '../src/index.ts';
import { D, guestApp, zenoti } from './support.ts';

/** A store shared by processes (`local: false`) whose every command fails while `down`, as Redis would. */
function failingStore() {
  const sets = new MemoryTokenStore();
  const state = { down: false };
  const check = (): void => {
    if (state.down)
      throw new ZenotiAuthError('STORE', '[@zenoti-auth/test] Test store GET failed: ECONNREFUSED.');
  };
  const store: TokenStore = {
    local: false,
    get(key) {
      check();
      return sets.get(key);
    },
    set(key, set, ttlMs) {
      check();
      sets.set(key, set, ttlMs);
    },
    delete(key, version) {
      check();
      sets.delete(key, version);
    },
    async lock() {
      check();
      return { release: () => undefined };
    },
  };
  return { store, state };
}

describe("an end user's token that dies while the shared store fails", () => {
  it('is answered 503 with Retry-After, and its refresh token is not spent without the lock', async () => {
    let now = Date.now();
    const clock = () => now;
    const z = await zenoti({ now: clock, accessTokenTtlMs: 3_600_000, refreshReuse: 'end-session' });
    const { store, state } = failingStore();
    const app = new Hono<ZenotiAuthEnv>();
    app.use(
      zenotiAuth({ ...guestApp(z.url), store, now: clock, principal: (c) => c.req.header('x-session') }),
    );
    const alice = D.guests[0];
    let principal = '';
    app.post('/login', async (c) => {
      principal = (await c.var.zenoti.auth.login({ ...alice })).principal;
      return c.body(null, 204);
    });
    app.get('/me', async (c) =>
      c.json({ status: (await c.var.zenoti.fetch(`/v1/guests/${alice.guestId}`)).status }),
    );
    await app.request('/login', { method: 'POST' });
    const me = () => app.request('/me', { headers: { 'x-session': principal } });
    expect(await (await me()).json()).toEqual({ status: 200 });

    state.down = true;
    now += 3_600_001; // the access token has expired; its refresh token is good
    const res = await me();
    expect(res.status).toBe(503);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await res.json()) as unknown).toMatchObject({ error: { code: 'STORE' } });
    expect(z.control.counters().token.refresh.ok + z.control.counters().token.refresh.rejected).toBe(0);

    state.down = false; // the store answers: the refresh goes, under its lock
    await new Promise((resolve) => setTimeout(resolve, 1_700)); // the engine's pause after its failed try
    expect(await (await me()).json()).toEqual({ status: 200 });
    expect(z.control.counters().token.refresh.ok).toBe(1);
    expect(z.control.counters().token.refreshReused).toBe(0);
  });
});
