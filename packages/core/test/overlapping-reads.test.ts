import { describe, expect, it } from 'vitest';
import { Emitter, type ZenotiAuthEvent } from '../src/events.ts';
import { MemoryTokenStore, type TokenSet, type TokenStore } from '../src/index.ts';
import { StoreState } from '../src/key-state.ts';
import { ResilientStore } from '../src/resilient-store.ts';

const set = (version: number): TokenSet => ({
  accessToken: `access-${version}`,
  refreshToken: `refresh-${version}`,
  accessTokenExpiresAt: Date.now() + 60_000,
  obtainedAt: Date.now(),
  version,
});

describe('a read of a shared store that overlaps a write of this process', () => {
  it('is not taken for a loss: the older set it may return is not written over, nothing is held back', async () => {
    const inner = new MemoryTokenStore();
    let gate: ((value: TokenSet | undefined) => void) | undefined;
    const store: TokenStore = {
      local: false,
      // The read answers what was stored when it began, but only when the test lets it.
      get: (key) => {
        const then = inner.get(key);
        return new Promise((resolve) => {
          gate = () => resolve(then);
        });
      },
      set: (key, value, ttlMs) => inner.set(key, value, ttlMs),
      delete: (key, version) => inner.delete(key, version),
    };
    const events: ZenotiAuthEvent[] = [];
    const resilient = new ResilientStore(
      store,
      new StoreState(),
      new Emitter((e) => events.push(e)),
      Date.now,
      30_000,
    );
    await resilient.write('k', set(1), 60_000);
    const reading = resilient.inspect('k'); // begins while version 1 is stored …
    const newer = set(2);
    await resilient.write('k', newer, 60_000); // … and this process stores version 2 meanwhile
    gate?.(undefined);
    const read = await reading;
    expect(read.set?.version).toBe(2); // this process's newer set, not the stale answer
    expect(read.set?.refreshNotBefore).toBeUndefined();
    expect(inner.get('k')).toEqual(newer); // not written back with a hold
    expect(events.filter((e) => e.type === 'warning')).toEqual([]);
  });
});
