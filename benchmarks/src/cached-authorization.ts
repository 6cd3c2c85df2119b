import { MemoryTokenStore, ZenotiAuth } from '@zenoti-auth/core';
import { DEMO_CREDENTIALS as D, startMockZenoti } from '@zenoti-auth/mock-server';
import { alternate, type Benchmark, type BenchResult } from './harness.ts';

const CALLS = 1_000_000;

async function nsPerCall(fn: () => Promise<string>): Promise<number> {
  let sink = 0;
  const start = process.hrtime.bigint();
  for (let i = 0; i < CALLS; i++) sink += (await fn()).length;
  const ns = Number(process.hrtime.bigint() - start) / CALLS;
  if (sink === 0) throw new Error('no work done');
  return ns;
}

/** #3: cost of a cached `authorization()` against `async () => constantString`. */
export const cachedAuthorization: Benchmark = {
  id: 3,
  name: 'cached authorization() call',
  async run(): Promise<BenchResult[]> {
    const zenoti = await startMockZenoti({ rateLimit: false });
    try {
      const keyAuth = new ZenotiAuth({ apiKey: D.apiKey, baseUrl: zenoti.url });
      const tokenAuth = new ZenotiAuth({
        baseUrl: zenoti.url,
        app: { accountName: D.accountName, ...D.employeeApp },
        user: { ...D.employee },
        store: new MemoryTokenStore(),
      });
      const constant = `bearer ${'x'.repeat(64)}`;
      const baseline = async (): Promise<string> => constant;
      await tokenAuth.authorization();
      for (const fn of [baseline, () => keyAuth.authorization(), () => tokenAuth.authorization()])
        await nsPerCall(fn); // warm-up
      const results: BenchResult[] = [];
      for (const [label, fn] of [
        ['API key', () => keyAuth.authorization()],
        ['cached token', () => tokenAuth.authorization()],
      ] as const) {
        const { a, b } = await alternate(
          7,
          () => nsPerCall(fn),
          () => nsPerCall(baseline),
        );
        results.push({
          id: 3,
          name: `cached authorization() — ${label}`,
          unit: 'ns/call',
          value: a,
          baselineName: 'async () => constantString',
          baseline: b,
          ratio: a / b,
          target: '≤ 1.5×',
          pass: a / b <= 1.5,
          notes: [],
        });
      }
      if (zenoti.control.counters().token.total !== 1) throw new Error('expected exactly one token call');
      return results;
    } finally {
      await zenoti.close();
    }
  },
};
