import { type ZenotiAuthEnv, type ZenotiContext, zenotiAuth } from '@zenoti-auth/hono';
import { DEMO_CREDENTIALS as D, startMockZenoti } from '@zenoti-auth/mock-server';
import { Hono, type MiddlewareHandler } from 'hono';
import { type Benchmark, type BenchResult, fmt, spread } from './harness.ts';
import { type Listening, LoadGenerator, listen, rotatingRounds } from './load.ts';

const CONNECTIONS = 10;
/** Short rounds, many of them: a slow spell of this shared machine then hits all variants of a round alike. */
const DURATION_S = 0.75;
const WARM_UP_S = 1;
/** A multiple of the 4 variants: with the order rotated, each runs in every place equally often. */
const ROUNDS = 20;

/**
 * One server per variant, each with the same route: the handler reads the header the middleware
 * provides (as it would to call Zenoti with its own client) and answers only its length.
 */
function server(middleware: MiddlewareHandler<ZenotiAuthEnv>): Hono<ZenotiAuthEnv> {
  const app = new Hono<ZenotiAuthEnv>();
  app.use('/api/*', middleware);
  app.get('/api/header', async (c) => c.text(String((await c.var.zenoti.authorization()).length)));
  return app;
}

/** #1: Hono on @hono/node-server with zenotiAuth (API key, cached token) against a hand-written constant header. */
export const honoThroughput: Benchmark = {
  id: 1,
  name: 'Hono on @hono/node-server with zenotiAuth',
  async run(): Promise<BenchResult[]> {
    const zenoti = await startMockZenoti({ rateLimit: false });
    const servers: Listening[] = [];
    try {
      const apiKeyHeader = `apikey ${D.apiKey}`;
      // The baseline: what one would write by hand, a constant header set on the context.
      const constant = { authorization: () => Promise.resolve(apiKeyHeader) } as ZenotiContext;
      const handWritten: MiddlewareHandler<ZenotiAuthEnv> = async (c, next) => {
        c.set('zenoti', constant);
        await next();
      };
      const apps = {
        baseline: server(handWritten),
        // The same hand-written server again: the A/A pair that shows how fine the comparison is.
        baselineAgain: server(handWritten),
        apiKey: server(zenotiAuth({ apiKey: D.apiKey, baseUrl: zenoti.url })),
        token: server(
          zenotiAuth({
            baseUrl: zenoti.url,
            app: { accountName: D.accountName, ...D.employeeApp },
            user: { ...D.employee },
          }),
        ),
      } as const;
      type Name = keyof typeof apps;
      const names = Object.keys(apps) as Name[];
      const urls = {} as Record<Name, string>;
      const bodies = {} as Record<Name, string>;
      for (const name of names) {
        const listening = await listen(apps[name].fetch);
        servers.push(listening);
        urls[name] = `${listening.url}/api/header`;
        // Warms the token variant (one password grant) and checks every route answers as it should.
        const res = await fetch(urls[name]);
        bodies[name] = await res.text();
        if (res.status !== 200) throw new Error(`${name}: status ${res.status} ${bodies[name]}`);
      }
      if (
        bodies.apiKey !== String(apiKeyHeader.length) ||
        bodies.baseline !== bodies.apiKey ||
        bodies.baselineAgain !== bodies.apiKey
      ) {
        throw new Error(`unexpected header length: ${JSON.stringify(bodies)}`);
      }
      if (!(Number(bodies.token) > 100)) throw new Error(`no bearer token: length ${bodies.token}`);
      const tokenCallsAfterWarmUp = zenoti.control.counters().token.total;

      const variants = Object.fromEntries(
        names.map((n) => [n, { url: urls[n], connections: CONNECTIONS, expectBody: bodies[n] }]),
      ) as Record<Name, { url: string; connections: number; expectBody: string }>;
      const generator = await LoadGenerator.start();
      const rounds = await rotatingRounds(generator, variants, {
        rounds: ROUNDS,
        durationS: DURATION_S,
        warmUpS: WARM_UP_S,
      }).finally(() => generator.close());
      const tokenCalls = zenoti.control.counters().token.total;
      if (tokenCallsAfterWarmUp !== 1 || tokenCalls !== 1) {
        throw new Error(`expected one token call (the warm-up), saw ${tokenCalls}: the token was not cached`);
      }

      const rows: BenchResult[] = [];
      const aa = {
        rps: rounds.paired('baselineAgain', 'baseline', (r) => r.rps),
        p99: rounds.paired('baselineAgain', 'baseline', (r) => r.p99Ms),
      };
      const variantRows = [
        ['apiKey', 'Hono + zenotiAuth (API key)'],
        ['token', 'Hono + zenotiAuth (cached token)'],
      ] as const;
      for (const [name, label] of variantRows) {
        const rps = rounds.paired(name, 'baseline', (r) => r.rps);
        const p99 = rounds.paired(name, 'baseline', (r) => r.p99Ms);
        rows.push(
          {
            id: 1,
            name: `${label}: throughput`,
            unit: 'req/s',
            value: rounds.median(name, (r) => r.rps),
            baselineName: 'hand-written constant header',
            baseline: rounds.median('baseline', (r) => r.rps),
            ratio: rps.ratio,
            target: '≥ 0.97×',
            pass: rps.ratio >= 0.97,
            aa: aa.rps,
            notes: [],
          },
          {
            id: 1,
            name: `${label}: p99 latency`,
            unit: 'ms',
            value: rounds.median(name, (r) => r.p99Ms),
            baselineName: 'hand-written constant header',
            baseline: rounds.median('baseline', (r) => r.p99Ms),
            ratio: p99.ratio,
            target: '≤ 1.05× (within 5 %)',
            pass: p99.ratio <= 1.05,
            aa: aa.p99,
            notes: [],
          },
        );
      }
      const perRound = (name: Name): string =>
        rounds.samples[name].map((s) => `${fmt(s.rps, 0)} req/s p99 ${s.p99Ms.toFixed(2)} ms`).join('; ');
      rows[0]?.notes.push(
        `#1: ${CONNECTIONS} connections, ${ROUNDS} rounds × ${DURATION_S} s per variant (order rotated), autocannon in a separate process; value and baseline are medians of the rounds, the ratio is the median of the per-round ratios (variant ÷ baseline of the same round). Token calls during the run: ${tokenCalls - tokenCallsAfterWarmUp} (the token was fetched once, at warm-up).`,
        `#1 per-round ratios of throughput: API key ÷ hand-written ${spread(rounds.paired('apiKey', 'baseline', (r) => r.rps))}; cached token ÷ hand-written ${spread(rounds.paired('token', 'baseline', (r) => r.rps))}; A/A, the hand-written server twice: ${spread(aa.rps)}.`,
        `#1 rounds, hand-written: ${perRound('baseline')}`,
        `#1 rounds, hand-written again (A/A): ${perRound('baselineAgain')}`,
        `#1 rounds, API key: ${perRound('apiKey')}`,
        `#1 rounds, cached token: ${perRound('token')}`,
      );
      return rows;
    } finally {
      for (const s of servers) await s.close();
      await zenoti.close();
    }
  },
};
