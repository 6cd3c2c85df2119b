import { describe, expect, it } from 'vitest';
import { MemoryTokenStore, type TokenSet } from '../src/index.ts';

const set = (version: number, token = `token-${version}`): TokenSet => ({
  accessToken: token,
  accessTokenExpiresAt: Date.now() + 60_000,
  obtainedAt: Date.now(),
  version,
});

describe('MemoryTokenStore', () => {
  it('stays within maxEntries, evicting the least recently read first', () => {
    const store = new MemoryTokenStore({ maxEntries: 3 });
    store.set('a', set(1), 60_000);
    store.set('b', set(1), 60_000);
    store.set('c', set(1), 60_000);
    expect(store.get('a')).toBeDefined(); // a was read: it gets a second chance
    store.set('d', set(1), 60_000);
    expect(store.size).toBe(3);
    expect(store.get('b')).toBeUndefined();
    expect(store.get('a')).toBeDefined();
    expect(store.get('d')).toBeDefined();
  });

  it('forgets entries after their TTL', () => {
    let now = 1_000;
    const store = new MemoryTokenStore({ now: () => now });
    store.set('k', set(1), 500);
    now += 499;
    expect(store.get('k')).toBeDefined();
    now += 1;
    expect(store.get('k')).toBeUndefined();
  });

  it('peek() gives the entry without reading the clock, and counts as a read for eviction', () => {
    let reads = 0;
    const clock = (): number => {
      reads++;
      return 1_000;
    };
    const store = new MemoryTokenStore({ maxEntries: 2, now: clock });
    store.set('a', set(1), 60_000);
    store.set('b', set(2), 60_000);
    reads = 0;
    expect(store.peek('a')?.version).toBe(1);
    expect(store.peek('missing')).toBeUndefined();
    expect(reads).toBe(0);
    store.set('c', set(3), 60_000); // 'b' goes: 'a' was peeked since it came round
    expect(store.get('a')?.version).toBe(1);
    expect(store.get('b')).toBeUndefined();
  });

  it('keeps a newer version when an older one is written late', () => {
    const store = new MemoryTokenStore();
    store.set('k', set(5, 'newer'), 60_000);
    store.set('k', set(4, 'older'), 60_000);
    expect(store.get('k')?.accessToken).toBe('newer');
  });

  it('deletes only the expected version when asked to compare', () => {
    const store = new MemoryTokenStore();
    store.set('k', set(2), 60_000);
    store.delete('k', 1);
    expect(store.get('k')).toBeDefined();
    store.delete('k', 2);
    expect(store.get('k')).toBeUndefined();
  });

  it('rejects a nonsensical size', () => {
    expect(() => new MemoryTokenStore({ maxEntries: 0 })).toThrow(/maxEntries/);
  });
});
