import { tokenSet } from '@zenoti-auth/test-support/store-contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bridgeStore } from './bridge-store.ts';
import { sleep } from './support.ts';
import { startFleet, type Workerd } from './workerd.ts';

let workerd: Workerd;
beforeAll(async () => {
  workerd = await startFleet({});
});
afterAll(() => workerd?.close());

/** A call of the bridge that goes to the object itself, past the store. */
async function object<T>(op: 'raw' | 'stats', key: string, store: { name?: string } = {}): Promise<T> {
  const res = await fetch(`${workerd.url}/store/${op}`, {
    method: 'POST',
    body: JSON.stringify({ store, key }),
    signal: AbortSignal.timeout(10_000),
  });
  return (await res.json()) as T;
}

describe('ZenotiAuthObject', () => {
  it('holds an encrypted set sealed (no token in it), a plain one as it is', async () => {
    const key = `v1:${crypto.randomUUID()}`;
    const set = tokenSet(3);
    await bridgeStore(workerd.url, { encrypted: true }).set(key, set, 60_000);
    const { value: sealed } = await object<{ value: Record<string, unknown> }>('raw', key);
    expect(Object.keys(sealed).sort()).toEqual(['e', 'k', 'v']);
    expect(sealed.v).toBe(3);
    const text = JSON.stringify(sealed);
    for (const secret of [set.accessToken, set.refreshToken as string])
      expect(text).not.toContain(secret.slice(-40));

    const plainKey = `v1:${crypto.randomUUID()}`;
    await bridgeStore(workerd.url).set(plainKey, set, 60_000);
    expect((await object<{ value: { s: unknown } }>('raw', plainKey)).value.s).toEqual(set);
  });

  it('drops expired sets and guards by its alarm, without anyone reading them', async () => {
    const name = `alarm-${crypto.randomUUID()}`;
    const store = bridgeStore(workerd.url, { name });
    await store.set('v1:a', tokenSet(1), 300);
    await store.set('v1:b', tokenSet(1), 300);
    await store.setGuard?.('v1:a', { passwordStrikes: 1 }, 300);
    await store.set('v1:c', tokenSet(1), 60_000);
    expect(await object('stats', '', { name })).toMatchObject({ records: 4 });
    await sleep(1_000);
    expect(await object('stats', '', { name })).toMatchObject({ records: 1 });
  });
});

describe('DurableObjectTokenStore', () => {
  it('reads a value it cannot decrypt as absent, and replaces it on the next write with a higher version', async () => {
    const key = `v1:${crypto.randomUUID()}`;
    await bridgeStore(workerd.url, { encrypted: true }).set(key, tokenSet(5), 60_000);
    // Another configuration (no key: e.g. a rotated or lost one) cannot read it …
    const plain = bridgeStore(workerd.url);
    expect(await plain.get(key)).toBeUndefined();
    // … and its next set, of a lower version, still replaces it: the version goes past the stored one.
    const fresh = tokenSet(1);
    await plain.set(key, fresh, 60_000);
    expect(await plain.get(key)).toEqual({ ...fresh, version: 6 });
  });
});
