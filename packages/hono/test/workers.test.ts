import { serviceUserEnv } from '@zenoti-auth/test-support';
import { describe, expect, it } from 'vitest';
import { D, zenoti } from './support.ts';
import { startWorkerd, type Workerd } from './workerd.ts';

const TTL_MS = 3_000; // refresh window: the last quarter (750 ms) — each round of 100 takes far less
const ROUNDS = 3;
const CONCURRENT = 100;

interface Answer {
  status: number;
  engine: number;
}

async function burst(worker: Workerd, n: number, path = '/centers'): Promise<Answer[]> {
  return Promise.all(
    Array.from({ length: n }, async () => {
      const res = await fetch(`${worker.url}${path}`, { signal: AbortSignal.timeout(20_000) });
      const text = await res.text();
      return {
        status: res.status,
        engine: res.status === 200 ? (JSON.parse(text) as { engine: number }).engine : 0,
      };
    }),
  );
}

function bindings(url: string, extra: Record<string, string> = {}): Record<string, string> {
  return serviceUserEnv(url, extra);
}

// The real Workers runtime: workerd from npm serves a bundled worker that calls the mock Zenoti on
// loopback. A promise made in one request dies with that request there, so a request that waits
// for another request's refresh must poll settled token state (core's default there: shareInFlight: false).
describe('on Cloudflare Workers (workerd)', () => {
  it(`serves ${ROUNDS} rounds of ${CONCURRENT} concurrent requests across token expiries with one token call per expiry`, async () => {
    const z = await zenoti({ accessTokenTtlMs: TTL_MS });
    const worker = await startWorkerd(bindings(z.url));
    try {
      const health = (await (await fetch(`${worker.url}/health`)).json()) as { userAgent: string };
      expect(health.userAgent).toBe('Cloudflare-Workers');
      const perRound: number[] = [];
      const engines = new Set<number>();
      for (let round = 0; round < ROUNDS; round++) {
        if (round > 0) await new Promise((r) => setTimeout(r, TTL_MS + 200)); // the access token has expired
        const before = z.control.counters().token.total;
        const answers = await burst(worker, CONCURRENT);
        expect(
          answers.filter((a) => a.status !== 200),
          worker.output(),
        ).toEqual([]);
        for (const a of answers) engines.add(a.engine);
        perRound.push(z.control.counters().token.total - before);
      }
      const token = z.control.counters().token;
      console.log(
        `workerd: ${ROUNDS}×${CONCURRENT} requests, token calls per round ${JSON.stringify(perRound)}, ` +
          `password ${token.password.ok}, refresh ${token.refresh.ok}, engines ${engines.size}`,
      );
      expect(perRound).toEqual([1, 1, 1]);
      expect(token.password.ok).toBe(1);
      expect(token.refresh.ok).toBe(ROUNDS - 1);
      expect(z.control.counters().resources.byStatus['200']).toBe(ROUNDS * CONCURRENT);
      expect(engines.size).toBe(1); // one engine per identity across all requests
    } finally {
      await worker.close();
    }
  });

  it('a request waiting for a refresh whose request has ended still gets a token (polls settled state); awaiting that promise fails', async () => {
    const z = await zenoti();
    z.control.setLatency(1_000, 'token');
    const settled = await startWorkerd(bindings(z.url, { ZENOTI_DEADLINE_MS: '2000' }));
    try {
      // /warm starts the token call and answers at once: workerd cancels it when that request ends.
      expect(await (await fetch(`${settled.url}/warm`)).text()).toBe('warming');
      await new Promise((r) => setTimeout(r, 300));
      const started = Date.now();
      const answers = await burst(settled, 5);
      expect(
        answers.map((a) => a.status),
        settled.output(),
      ).toEqual([200, 200, 200, 200, 200]);
      // They waited out the abandoned refresh (retry.deadlineMs) and then refreshed themselves, once.
      expect(Date.now() - started).toBeGreaterThan(1_500);
      expect(z.control.counters().token.password.ok).toBe(1);
      expect(settled.output()).not.toMatch(/can never settle/);
    } finally {
      await settled.close();
    }

    // The same with shareInFlight: true, which awaits the other request's promise: workerd refuses it.
    const shared = await startWorkerd(
      bindings(z.url, { ZENOTI_DEADLINE_MS: '2000', SHARE_IN_FLIGHT: 'true' }),
    );
    try {
      expect(await (await fetch(`${shared.url}/warm`)).text()).toBe('warming');
      await new Promise((r) => setTimeout(r, 300));
      const answers = await burst(shared, 5);
      expect(answers.map((a) => a.status)).toEqual([500, 500, 500, 500, 500]);
      expect(shared.output()).toMatch(
        /This promise was created by a request that has since ended, so it can never settle/,
      );
    } finally {
      await shared.close();
    }
  });
});

// The same runtime with a plain core engine (`new ZenotiAuth()` in the worker, no adapter): core itself
// knows it runs on Workers, so its default is to poll settled token state, not to share promises.
describe('a plain @zenoti-auth/core engine on Cloudflare Workers (workerd)', () => {
  it('defaults to shareInFlight: false there: DEFAULTS and onCloudflareWorkers() say so', async () => {
    const z = await zenoti();
    const worker = await startWorkerd(bindings(z.url));
    try {
      expect(await (await fetch(`${worker.url}/runtime`)).json()).toEqual({
        shareInFlight: false,
        onCloudflareWorkers: true,
      });
    } finally {
      await worker.close();
    }
  });

  it('warns once per isolate that an in-isolate store in token mode makes isolates kill each other’s tokens', async () => {
    const z = await zenoti();
    const worker = await startWorkerd(bindings(z.url));
    try {
      // Two engines of one isolate: the Hono middleware's and a plain core one.
      expect((await fetch(`${worker.url}/centers`)).status).toBe(200);
      expect((await fetch(`${worker.url}/plain/centers`)).status).toBe(200);
      const warnings = (await (await fetch(`${worker.url}/warnings`)).json()) as string[];
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/each isolate has its own memory.*DurableObjectTokenStore/);
      expect(warnings[0]).not.toContain(D.employee.password);
    } finally {
      await worker.close();
    }
  });

  it(`serves ${ROUNDS} rounds of ${CONCURRENT} concurrent requests across token expiries with one token call per expiry`, async () => {
    const z = await zenoti({ accessTokenTtlMs: TTL_MS });
    const worker = await startWorkerd(bindings(z.url));
    try {
      const perRound: number[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        if (round > 0) await new Promise((r) => setTimeout(r, TTL_MS + 200)); // the access token has expired
        const before = z.control.counters().token.total;
        const answers = await burst(worker, CONCURRENT, '/plain/centers');
        expect(
          answers.filter((a) => a.status !== 200),
          worker.output(),
        ).toEqual([]);
        perRound.push(z.control.counters().token.total - before);
      }
      expect(perRound).toEqual([1, 1, 1]);
      expect(z.control.counters().token.password.ok).toBe(1);
      expect(z.control.counters().token.refresh.ok).toBe(ROUNDS - 1);
      expect(z.control.counters().resources.byStatus['200']).toBe(ROUNDS * CONCURRENT);
    } finally {
      await worker.close();
    }
  });

  it(`when the request that started the token call gives up and ends, the ${CONCURRENT} waiting for it still succeed`, async () => {
    const z = await zenoti();
    z.control.setLatency(600, 'token');
    const worker = await startWorkerd(bindings(z.url, { ZENOTI_DEADLINE_MS: '2000' }));
    try {
      // Its 100 ms budget runs out while its token call (600 ms) is under way: it answers 503 and
      // ends, and workerd cancels the token call. Promises shared with it would never settle (every
      // other request a 500: "created by a request that has since ended"); polling callers wait
      // out the abandoned call (retry.deadlineMs) and then one of them gets the token.
      const impatient = fetch(`${worker.url}/plain/centers?budgetMs=100`);
      await new Promise((r) => setTimeout(r, 50));
      const answers = await burst(worker, CONCURRENT, '/plain/centers');
      expect((await impatient).status).toBe(503);
      expect(
        answers.filter((a) => a.status !== 200),
        worker.output(),
      ).toEqual([]);
      // The abandoned call (Zenoti may have answered it, to no one) and one more: no stampede.
      expect(z.control.counters().token.total).toBeLessThanOrEqual(2);
      expect(worker.output()).not.toMatch(/can never settle/);
    } finally {
      await worker.close();
    }
  });
});
