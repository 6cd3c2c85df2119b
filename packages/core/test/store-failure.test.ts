import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type TokenSet, type TokenStore, ZenotiAuth } from '../src/index.ts';
import { recorder, serviceUser, TestClock, zenoti } from './support.ts';

/** An asynchronous, remote-like store (as Redis is) that can be switched off. */
class SwitchableStore implements TokenStore {
  readonly local = false;
  down = false;
  readonly data = new Map<string, TokenSet>();
  reads = 0;
  async get(key: string): Promise<TokenSet | undefined> {
    this.reads++;
    if (this.down) throw new Error('store unreachable');
    return this.data.get(key);
  }
  async set(key: string, value: TokenSet): Promise<void> {
    if (this.down) throw new Error('store unreachable');
    const current = this.data.get(key);
    if (!current || current.version <= value.version) this.data.set(key, value);
  }
  async delete(key: string): Promise<void> {
    if (this.down) throw new Error('store unreachable');
    this.data.delete(key);
  }
}

let unhandled = 0;
const onUnhandled = (): void => {
  unhandled++;
};
beforeEach(() => {
  unhandled = 0;
  process.on('unhandledRejection', onUnhandled);
});
afterEach(() => {
  process.off('unhandledRejection', onUnhandled);
});

describe('a shared store that fails', () => {
  it('reads a remote store once per call, never on a fire-and-forget path', async () => {
    const z = await zenoti();
    const store = new SwitchableStore();
    const auth = new ZenotiAuth(serviceUser(z.url, { store }));
    await auth.authorization();
    store.reads = 0;
    for (let i = 0; i < 10; i++) await auth.authorization();
    expect(store.reads).toBe(10);
  });

  it('keeps working on what this process last saw, warns, refreshes once, and shares again when it is back', async () => {
    const clock = new TestClock();
    const z = await zenoti({ now: clock.now, accessTokenTtlMs: 60_000 });
    const store = new SwitchableStore();
    const { events, onEvent } = recorder();
    const auth = new ZenotiAuth(serviceUser(z.url, { store, now: clock.now, onEvent }));
    const first = await auth.authorization();
    store.down = true;
    const during = await Promise.all(Array.from({ length: 50 }, () => auth.authorization()));
    expect(new Set(during)).toEqual(new Set([first]));
    expect(events.some((e) => e.type === 'warning')).toBe(true);
    clock.advance(50_000); // into the refresh window while the store is down
    const refreshed = await Promise.all(Array.from({ length: 50 }, () => auth.authorization()));
    expect(new Set(refreshed).size).toBe(1);
    expect(refreshed[0]).not.toBe(first);
    expect(z.control.counters().token.total).toBe(2);
    store.down = false;
    clock.advance(50_000);
    const after = await auth.authorization();
    expect([...store.data.values()].map((s) => `bearer ${s.accessToken}`)).toContain(after);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(unhandled).toBe(0);
  });
});
