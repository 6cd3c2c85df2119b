import { zenotiAuth } from '@zenoti-auth/express';
import { DEMO_CREDENTIALS as D, startMockZenoti } from '@zenoti-auth/mock-server';
import { constantHeader, headerApp, listenExpress } from './express-servers.ts';
import { type Benchmark, type BenchResult, fmt, median, type Paired, pairedRounds } from './harness.ts';
import { type Listening, LoadGenerator } from './load.ts';

const CONNECTIONS = 10;
/** Short measures, many rounds: the two sides of a pair run back to back, so a slow spell hits both. */
const DURATION_S = 0.75;
/** Even: each side of a pair runs first in half of the rounds (ABBA). */
const ROUNDS = 16;
const WARM_UP_ROUNDS = 1;

/** `median ×, quartiles a–b` of a pair's per-round ratios. */
export function spread(pair: Paired): string {
  const sorted = [...pair.ratios].sort((x, y) => x - y);
  const at = (q: number): string => fmt(sorted[Math.round(q * (sorted.length - 1))] as number, 3);
  return `median ${fmt(pair.ratio, 3)}×, quartiles ${at(0.25)}–${at(0.75)}`;
}

/** A row of the table from one pair. */
export function pairRow(
  name: string,
  pair: Paired | undefined,
  baselineName: string,
  min: number,
): BenchResult {
  if (!pair) throw new Error(`no measurement for ${name}`);
  return {
    id: 14,
    name,
    unit: 'req/s',
    value: median(pair.variant),
    baselineName,
    baseline: median(pair.baseline),
    ratio: pair.ratio,
    target: `≥ ${min}×`,
    pass: pair.ratio >= min,
    notes: [],
  };
}

/** #14, first half: Express 5 with zenotiAuth (API key; cached token) ÷ a hand-written constant header. */
async function middlewareRows(generator: LoadGenerator): Promise<BenchResult[]> {
  const zenoti = await startMockZenoti({ rateLimit: false });
  const servers: Listening[] = [];
  try {
    const apiKeyHeader = `apikey ${D.apiKey}`;
    const apps = {
      baseline: headerApp(constantHeader(apiKeyHeader)),
      // The same hand-written server again: the A/A pair that shows how fine the comparison is.
      baselineAgain: headerApp(constantHeader(apiKeyHeader)),
      apiKey: headerApp(zenotiAuth({ apiKey: D.apiKey, baseUrl: zenoti.url })),
      token: headerApp(
        zenotiAuth({
          baseUrl: zenoti.url,
          app: { accountName: D.accountName, ...D.employeeApp },
          user: { ...D.employee },
        }),
      ),
    } as const;
    type Name = keyof typeof apps;
    const urls = {} as Record<Name, string>;
    const bodies = {} as Record<Name, string>;
    for (const name of Object.keys(apps) as Name[]) {
      const listening = await listenExpress(apps[name]);
      servers.push(listening);
      urls[name] = `${listening.url}/api/header`;
      // Warms the token variant (one password grant) and checks that every route answers.
      const res = await fetch(urls[name]);
      bodies[name] = await res.text();
      if (res.status !== 200) throw new Error(`${name}: status ${res.status} ${bodies[name]}`);
    }
    if (bodies.apiKey !== String(apiKeyHeader.length) || bodies.baseline !== bodies.apiKey)
      throw new Error(`unexpected header length: ${JSON.stringify(bodies)}`);
    if (!(Number(bodies.token) > 100)) throw new Error(`no bearer token: length ${bodies.token}`);
    const tokenCalls = zenoti.control.counters().token.total;

    const [apiKey, token, aa] = await pairedRounds(
      [
        ['apiKey', 'baseline'],
        ['token', 'baseline'],
        ['baselineAgain', 'baseline'],
      ] as const,
      { rounds: ROUNDS, warmUp: WARM_UP_ROUNDS },
      async (name: Name) =>
        (
          await generator.run({
            url: urls[name],
            connections: CONNECTIONS,
            durationS: DURATION_S,
            expectBody: bodies[name],
          })
        ).rps,
    );
    if (zenoti.control.counters().token.total !== tokenCalls)
      throw new Error('the token variant made token calls during the run: the token was not cached');
    const rows = [
      pairRow('Express 5 + zenotiAuth (API key): throughput', apiKey, 'hand-written constant header', 0.97),
      pairRow(
        'Express 5 + zenotiAuth (cached token): throughput',
        token,
        'hand-written constant header',
        0.97,
      ),
    ];
    rows[0]?.notes.push(
      `#14: Express 5.2, ${CONNECTIONS} connections, autocannon in a process of its own; ${ROUNDS} rounds after ${WARM_UP_ROUNDS} warm-up, each pair back to back for ${DURATION_S} s a side, which first alternating by round (ABBA); value and baseline are medians of the rounds, the ratio the median of the per-round ratios. The route awaits req.zenoti.authorization() and answers its length.`,
      `#14 per-round ratios: API key ÷ constant header ${spread(apiKey as Paired)}; cached token ÷ constant header ${spread(token as Paired)}; A/A, the constant-header server twice: ${spread(aa as Paired)}.`,
    );
    return rows;
  } finally {
    for (const server of servers) await server.close();
    await zenoti.close();
  }
}

/** #14: Express with zenotiAuth ÷ a constant header; zenotiProxy ÷ a careful hand-written Express proxy. */
export const expressThroughput: Benchmark = {
  id: 14,
  name: 'Express with zenotiAuth and zenotiProxy',
  async run(): Promise<BenchResult[]> {
    const generator = await LoadGenerator.start();
    try {
      return [...(await middlewareRows(generator))];
    } finally {
      await generator.close();
    }
  },
};
