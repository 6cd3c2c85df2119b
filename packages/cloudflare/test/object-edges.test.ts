import { tokenSet } from '@zenoti-auth/test-support/store-contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bridgeStore } from './bridge-store.ts';
import { startFleet, type Workerd } from './workerd.ts';

const DAY_MS = 86_400_000;

let workerd: Workerd;
beforeAll(async () => {
  workerd = await startFleet({});
});
afterAll(() => workerd?.close());

/** POST `<worker>/store/<op>` of the bridge (test/workers/store-bridge.ts): its status and JSON. */
async function bridge<T = Record<string, unknown>>(
  op: string,
  call: object,
): Promise<{ status: number; body: T }> {
  const res = await fetch(`${workerd.url}/store/${op}`, {
    method: 'POST',
    body: JSON.stringify(call),
    signal: AbortSignal.timeout(10_000),
  });
  return { status: res.status, body: (await res.json()) as T };
}

/** A request straight to the object named `name`: as the store makes it, unless told otherwise. */
async function toObject(
  name: string,
  body: unknown,
  request: { url?: string; method?: string; header?: boolean } = {},
): Promise<{ status: number; text: string }> {
  return (await bridge<{ status: number; text: string }>('object', { request: { name, body, ...request } }))
    .body;
}

/** When the last record of the object named `name` expires, from now (ms). */
async function lastExpiryIn(name: string): Promise<number> {
  const { body } = await bridge<{ lastExpiry: number }>('stats', { store: { name }, key: '' });
  return body.lastExpiry - Date.now();
}

const fresh = (what: string): string => `${what}-${crypto.randomUUID()}`;

describe('ZenotiAuthObject answers only its stores', () => {
  it('answers 404 to a request with another URL, another method or without the store’s header', async () => {
    const name = fresh('edges');
    const get = { op: 'get', key: 'v1:a' };
    expect(await toObject(name, get)).toEqual({ status: 200, text: '{"value":null}' });
    for (const request of [
      { url: 'https://zenoti-auth.object/other' },
      { url: 'https://example.com/' },
      { header: false },
      { method: 'GET' },
      { method: 'PUT' },
    ])
      expect(await toObject(name, get, request), JSON.stringify(request)).toEqual({
        status: 404,
        text: 'Not found',
      });
  });

  it('refuses (400) a malformed or oversized token set, and a malformed guard', async () => {
    const name = fresh('shapes');
    const set = (value: unknown) => ({ op: 'set', key: 'v1:a', value, ttlMs: 60_000 });
    const refused = [
      set({ v: 1, s: { ...tokenSet(1), accessToken: 5 } }),
      set({ v: 1, s: { ...tokenSet(1), accessTokenExpiresAt: 'soon' } }),
      set({ v: 2, s: tokenSet(1) }), // the version in clear is not the set's
      set({ v: 1, s: tokenSet(1, { accessToken: 'x'.repeat(20_000) }) }), // over 16 kB
      set({ v: 1, k: 'key', e: 5 }),
      set({ v: 1 }),
      { op: 'set', key: 'v1:a', value: { v: 1, k: 'key', e: 'x'.repeat(40_000) }, ttlMs: 60_000 }, // body over 32 kB
      {
        op: 'setGuard',
        key: 'v1:a',
        guard: { pause: { reason: 'because', until: 1, message: '' } },
        ttlMs: 1_000,
      },
      { op: 'setGuard', key: 'v1:a', guard: { passwordStrikes: -1 }, ttlMs: 1_000 },
      { op: 'setGuard', key: 'v1:a', guard: 'paused', ttlMs: 1_000 },
    ];
    for (const body of refused)
      expect((await toObject(name, body)).status, JSON.stringify(body).slice(0, 120)).toBe(400);
    expect(await toObject(name, { op: 'stats' })).toMatchObject({ text: '{"records":0,"lastExpiry":null}' });
    // The same calls, well formed, are kept.
    expect((await toObject(name, set({ v: 1, s: tokenSet(1) }))).text).toBe('{"stored":true}');
    expect((await toObject(name, set({ v: 2, k: 'key', e: 'sealed' }))).text).toBe('{"stored":true}');
    const guard = { op: 'setGuard', key: 'v1:a', guard: { passwordStrikes: 2 }, ttlMs: 1_000 };
    expect((await toObject(name, guard)).status).toBe(200);
  });

  it('brings TTLs and leases down: a set’s to a year, a guard’s and a lease to a day', async () => {
    const store = (name: string) => bridgeStore(workerd.url, { name });
    const [setIn, guardIn, leaseIn] = [fresh('ttl-set'), fresh('ttl-guard'), fresh('ttl-lease')];
    await store(setIn).set('v1:a', tokenSet(1), 1e12);
    await store(guardIn).setGuard?.('v1:a', { passwordStrikes: 1 }, 1e12);
    const lease = { op: 'lock', key: 'v1:a', holder: 'holder', leaseMs: 1e12 };
    expect(await toObject(leaseIn, lease)).toEqual({ status: 200, text: '{"held":true}' });

    expect(await lastExpiryIn(setIn)).toBeLessThanOrEqual(365 * DAY_MS);
    expect(await lastExpiryIn(setIn)).toBeGreaterThan(365 * DAY_MS - 60_000);
    for (const name of [guardIn, leaseIn]) {
      expect(await lastExpiryIn(name)).toBeLessThanOrEqual(DAY_MS);
      expect(await lastExpiryIn(name)).toBeGreaterThan(DAY_MS - 60_000);
    }
  });
});

describe('DurableObjectTokenStore refuses what the object would', () => {
  it('throws STORE for an oversized or malformed set, before sending it (no secret in the message)', async () => {
    const name = fresh('client');
    const store = bridgeStore(workerd.url, { name });
    const huge = tokenSet(1, { accessToken: `secret-${'x'.repeat(20_000)}` });
    await expect(store.set('v1:a', huge, 60_000)).rejects.toThrow(
      '"code":"STORE","message":"[@zenoti-auth/cloudflare] A token set is over 16384 characters; it was not stored."',
    );
    await expect(store.set('v1:a', tokenSet(1, { accessToken: '' }), 60_000)).rejects.toThrow(
      'A token set is not a valid token set; it was not stored.',
    );
    expect((await bridge('stats', { store: { name }, key: '' })).body).toEqual({
      records: 0,
      lastExpiry: null,
    });
    // A malformed guard reaches the object, which refuses it: STORE, naming the answer only.
    await expect(store.setGuard?.('v1:a', { passwordStrikes: 1.5 }, 1_000)).rejects.toThrow(
      'The Durable Object answered \\"setGuard\\" with 400.',
    );
  });
});

describe("the object's rate budget is bounded", () => {
  it('takes a Reset of 1e12, a Retry-After of 1e9 or of NaN, a limit of 0 as at most a day, or nothing', async () => {
    const name = fresh('budget');
    const budget = { limit: 5, intervalMs: 60_000, account: 'acme' };
    const observe = (report: object) => toObject(name, { op: 'observe', ...budget, report });
    const take = async () =>
      JSON.parse((await toObject(name, { op: 'take', ...budget })).text).waitMs as number;

    expect((await observe({ limit: 0, remaining: 3, resetMs: 1e12, retryAfterMs: null })).status).toBe(200);
    expect([await take(), await take(), await take()]).toEqual([0, 0, 0]); // 5 - (5 - 3): the limit stayed
    const untilReset = await take();
    expect(untilReset).toBeLessThanOrEqual(DAY_MS);
    expect(untilReset).toBeGreaterThan(DAY_MS - 60_000);

    await observe({ retryAfterMs: 1e9, intervalMs: 1e12, limit: 1e300 });
    const untilRetry = await take();
    expect(untilRetry).toBeLessThanOrEqual(DAY_MS);
    expect(untilRetry).toBeGreaterThan(DAY_MS - 60_000);
  });
});
