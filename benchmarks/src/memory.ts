import { MemoryTokenStore, ZenotiAuth } from '@zenoti-auth/core';
import { DEMO_CREDENTIALS as D } from '@zenoti-auth/mock-server';
import type { Benchmark, BenchResult } from './harness.ts';

const PRINCIPALS = 100_000;
const CALLS = 1_000_000;

function heapUsed(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc (pnpm bench does)');
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/** #6: 100,000 end-user principals in MemoryTokenStore; heap drift over 1M authorization() calls; LRU bound. */
export const memory: Benchmark = {
  id: 6,
  name: 'memory with 100,000 principals',
  async run(): Promise<BenchResult[]> {
    // A token endpoint in this process that answers like Zenoti (≈1 kB opaque tokens), so the heap
    // measured is the engine's and not a mock server's.
    let serial = 0;
    const expiry = new Date(Date.now() + 24 * 3_600_000).toISOString().replace('Z', '0000Z');
    const tokenEndpoint = (async () => {
      serial++;
      const token = (kind: string): string => `AN:${D.accountName}|$ARD#${kind}${serial}-${'x'.repeat(900)}`;
      return Response.json({
        credentials: {
          access_token: token('a'),
          access_token_expiry: expiry,
          refresh_token: token('r'),
          refresh_token_expiry: expiry,
          token_type: 'bearer',
          user_type: 'Guest',
        },
        error: null,
      });
    }) as unknown as typeof fetch;
    const store = new MemoryTokenStore({ maxEntries: PRINCIPALS });
    const auth = new ZenotiAuth({
      baseUrl: 'http://127.0.0.1:4010',
      app: { accountName: D.accountName, ...D.guestApp },
      store,
      fetch: tokenEndpoint,
    });
    const guest = D.guests[0];
    const principals: string[] = [];
    for (let batch = 0; batch < PRINCIPALS / 1_000; batch++) {
      const logins = await Promise.all(
        Array.from({ length: 1_000 }, () =>
          auth.login({ username: guest.username, password: guest.password }),
        ),
      );
      for (const login of logins) principals.push(login.principal);
    }
    for (let i = 0; i < 2 * PRINCIPALS; i++)
      await auth.authorization({ principal: principals[i % PRINCIPALS] as string });
    const warm = heapUsed();
    for (let i = 0; i < CALLS; i++)
      await auth.authorization({ principal: principals[i % PRINCIPALS] as string });
    const after = heapUsed();
    const drift = (after - warm) / warm;
    // LRU bound: 10,000 more sessions must evict, not grow.
    for (let batch = 0; batch < 10; batch++) {
      await Promise.all(
        Array.from({ length: 1_000 }, () =>
          auth.login({ username: guest.username, password: guest.password }),
        ),
      );
    }
    const bounded = store.size <= PRINCIPALS;
    const mb = (n: number): string => `${(n / 1_048_576).toFixed(1)} MB`;
    return [
      {
        id: 6,
        name: 'heap after 1M authorization() calls, 100k principals',
        unit: 'MB',
        value: after / 1_048_576,
        baselineName: 'heap after warm-up',
        baseline: warm / 1_048_576,
        ratio: after / warm,
        target: 'growth < 5 %',
        pass: drift < 0.05,
        notes: [
          `#6: heap ${mb(warm)} after warm-up → ${mb(after)} after ${CALLS.toLocaleString('en-US')} calls (drift ${(drift * 100).toFixed(2)} %).`,
        ],
      },
      {
        id: 6,
        name: 'store size after 110k logins (maxEntries 100k)',
        unit: 'entries',
        value: store.size,
        baselineName: 'LRU size',
        baseline: PRINCIPALS,
        ratio: store.size / PRINCIPALS,
        target: '≤ LRU size',
        pass: bounded,
        notes: [],
      },
    ];
  },
};
