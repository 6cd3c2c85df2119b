import { MemoryTokenStore, ZenotiAuth } from '@zenoti-auth/core';
import { createMockZenotiApp, DEMO_CREDENTIALS as D } from '@zenoti-auth/mock-server';
import type { Benchmark, BenchResult } from './harness.ts';

const CALLERS = 10_000;
const BASE = 'http://127.0.0.1:4010';

/** The mock Zenoti served in-process (no sockets), so 10,000 simultaneous calls measure logic, not the kernel. */
function inProcessZenoti(now: () => number): { fetch: typeof fetch; tokenCalls: () => number } {
  const { app, control } = createMockZenotiApp({ rateLimit: false, now, accessTokenTtlMs: 60 * 60_000 });
  const inProcessFetch = ((input: RequestInfo | URL, init?: RequestInit) =>
    app.fetch(new Request(input, init))) as typeof fetch;
  return { fetch: inProcessFetch, tokenCalls: () => control.counters().token.total };
}

/** What many integrations do: check expiry, and if expired, fetch a new token — every caller for itself. */
class NaiveClient {
  #token: { value: string; expiresAt: number } | undefined;
  constructor(
    private readonly doFetch: typeof fetch,
    private readonly now: () => number,
  ) {}
  async authorization(): Promise<string> {
    if (!this.#token || this.now() >= this.#token.expiresAt) {
      const res = await this.doFetch(`${BASE}/v1/tokens`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          account_name: D.accountName,
          user_name: D.employee.username,
          password: D.employee.password,
          grant_type: 'password',
          app_id: D.employeeApp.appId,
          app_secret: D.employeeApp.appSecret,
        }),
      });
      const body = (await res.json()) as {
        credentials: { access_token: string; access_token_expiry: string };
      };
      this.#token = {
        value: body.credentials.access_token,
        expiresAt: Date.parse(body.credentials.access_token_expiry),
      };
    }
    return `bearer ${this.#token.value}`;
  }
}

/** #4: 10,000 concurrent callers at token expiry in one process. */
export const stampede: Benchmark = {
  id: 4,
  name: '10,000 concurrent callers at token expiry',
  async run(): Promise<BenchResult> {
    let t = Date.now();
    const now = (): number => t;
    const ours = inProcessZenoti(now);
    const auth = new ZenotiAuth({
      baseUrl: BASE,
      app: { accountName: D.accountName, ...D.employeeApp },
      user: { ...D.employee },
      store: new MemoryTokenStore(),
      fetch: ours.fetch,
      now,
    });
    const naiveZenoti = inProcessZenoti(now);
    const naive = new NaiveClient(naiveZenoti.fetch, now);
    await auth.authorization();
    await naive.authorization();
    t += 61 * 60_000; // past expiry for both
    const before = ours.tokenCalls();
    const naiveBefore = naiveZenoti.tokenCalls();
    const started = performance.now();
    const headers = await Promise.all(Array.from({ length: CALLERS }, () => auth.authorization()));
    const oursMs = performance.now() - started;
    await Promise.all(Array.from({ length: CALLERS }, () => naive.authorization()));
    const calls = ours.tokenCalls() - before;
    const naiveCalls = naiveZenoti.tokenCalls() - naiveBefore;
    if (new Set(headers).size !== 1) throw new Error('callers got different tokens');
    return {
      id: 4,
      name: '10,000 concurrent callers at expiry (token calls)',
      unit: 'token calls',
      value: calls,
      baselineName: 'naive "refresh when expired" per caller',
      baseline: naiveCalls,
      ratio: calls / naiveCalls,
      target: 'exactly 1',
      pass: calls === 1,
      notes: [
        `#4: ${CALLERS} callers served in ${oursMs.toFixed(0)} ms with ${calls} token call; naive made ${naiveCalls}.`,
      ],
    };
  },
};
