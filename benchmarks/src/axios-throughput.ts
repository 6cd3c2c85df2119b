import { zenotiAuthInterceptor } from '@zenoti-auth/axios';
import { MemoryTokenStore, ZenotiAuth } from '@zenoti-auth/core';
import { DEMO_CREDENTIALS as D, startMockZenoti } from '@zenoti-auth/mock-server';
import axios, { type AxiosInstance } from 'axios';
import authRefresh from 'axios-auth-refresh';
import { type Benchmark, type BenchResult, median } from './harness.ts';

const REQUESTS = 2_000;
const CONCURRENCY = 16;
const ROUNDS = 7;

// axios-auth-refresh ships CommonJS with `exports.default`: under ESM interop the function sits one level down.
const createAuthRefreshInterceptor = ((authRefresh as unknown as { default?: typeof authRefresh }).default ??
  authRefresh) as typeof authRefresh;

/** Requests per second for REQUESTS GETs with CONCURRENCY in flight. */
async function throughput(client: AxiosInstance): Promise<number> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < REQUESTS) {
      next++;
      const res = await client.get('/v1/centers?size=1');
      if (res.status !== 200) throw new Error(`status ${res.status}`);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return REQUESTS / ((performance.now() - started) / 1000);
}

/** #2: axios with zenotiAuthInterceptor against plain axios with a static header and axios-auth-refresh. */
export const axiosThroughput: Benchmark = {
  id: 2,
  name: 'axios requests to a local server',
  async run(): Promise<BenchResult[]> {
    const zenoti = await startMockZenoti({ rateLimit: false });
    try {
      const make = (): AxiosInstance => axios.create({ baseURL: zenoti.url });
      const staticHeader = make();
      staticHeader.defaults.headers.common.Authorization = `apikey ${D.apiKey}`;

      const withKey = make();
      zenotiAuthInterceptor(withKey, new ZenotiAuth({ apiKey: D.apiKey, baseUrl: zenoti.url }));

      const tokenAuth = new ZenotiAuth({
        baseUrl: zenoti.url,
        app: { accountName: D.accountName, ...D.employeeApp },
        user: { ...D.employee },
        store: new MemoryTokenStore(),
      });
      const withToken = make();
      zenotiAuthInterceptor(withToken, tokenAuth);
      const token = await tokenAuth.authorization();
      const staticToken = make();
      staticToken.defaults.headers.common.Authorization = token;

      // axios-auth-refresh as its README shows: a stored token set by a request interceptor,
      // and refresh logic that runs on 401.
      let stored = token;
      const refreshing = make();
      refreshing.interceptors.request.use((config) => {
        config.headers.Authorization = stored;
        return config;
      });
      createAuthRefreshInterceptor(
        refreshing,
        async (failed: { response: { config: { headers: Record<string, string> } } }) => {
          stored = await tokenAuth.authorization();
          failed.response.config.headers.Authorization = stored;
        },
      );

      const clients = { staticHeader, staticToken, withKey, withToken, refreshing } as const;
      const samples: Record<keyof typeof clients, number[]> = {
        staticHeader: [],
        staticToken: [],
        withKey: [],
        withToken: [],
        refreshing: [],
      };
      for (const client of Object.values(clients)) await throughput(client); // warm-up
      const order = Object.keys(clients) as Array<keyof typeof clients>;
      for (let round = 0; round < ROUNDS; round++) {
        // Rotate the order each round so that no client always runs first or last.
        for (let i = 0; i < order.length; i++) {
          const name = order[(i + round) % order.length] as keyof typeof clients;
          samples[name].push(await throughput(clients[name]));
        }
      }
      const m = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)])) as Record<
        keyof typeof clients,
        number
      >;
      const row = (
        name: string,
        value: number,
        baselineName: string,
        baseline: number,
        min: number,
      ): BenchResult => ({
        id: 2,
        name,
        unit: 'req/s',
        value,
        baselineName,
        baseline,
        ratio: value / baseline,
        target: `≥ ${min.toFixed(2)}×`,
        pass: value / baseline >= min,
        notes: [],
      });
      return [
        row(
          'axios + zenotiAuthInterceptor (API key)',
          m.withKey,
          'static apikey header',
          m.staticHeader,
          0.97,
        ),
        row(
          'axios + zenotiAuthInterceptor (cached token)',
          m.withToken,
          'static bearer header',
          m.staticToken,
          0.97,
        ),
        row(
          'axios + zenotiAuthInterceptor (cached token)',
          m.withToken,
          'axios-auth-refresh',
          m.refreshing,
          1.0,
        ),
      ];
    } finally {
      await zenoti.close();
    }
  },
};
