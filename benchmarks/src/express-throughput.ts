import { zenotiAuth } from '@zenoti-auth/express';
import { zenotiProxy } from '@zenoti-auth/express/proxy';
import { DEMO_CREDENTIALS as D, startMockZenoti } from '@zenoti-auth/mock-server';
import express from 'express';
import { constantHeader, handWrittenProxy, headerApp, listenExpress } from './express-servers.ts';
import { type Benchmark, type BenchResult, fmt, median, type Paired, pairedRounds } from './harness.ts';
import { type Listening, LoadGenerator } from './load.ts';
import { startMockProcess } from './proxy-throughput.ts';

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

const PROXY_ROUNDS = 12;
const PROXY_DURATION_S = 1;
const PREFIX = '/api/zenoti';
const PATH = '/v1/centers';

/**
 * #14, second half: zenotiProxy (API key) on Express 5 ÷ a careful hand-written Express proxy (the
 * client's abort passed on, the header added, hop-by-hop headers filtered, the body streamed). The
 * mock runs in a process of its own, as Zenoti is another host.
 */
async function proxyRows(generator: LoadGenerator): Promise<BenchResult[]> {
  const zenoti = await startMockProcess();
  const servers: Listening[] = [];
  try {
    const app = express();
    // The load generator is one client with CONNECTIONS requests in flight: its fair share is that many.
    const fairShare = { perClient: CONNECTIONS };
    app.use(
      PREFIX,
      zenotiAuth({ apiKey: D.apiKey, baseUrl: zenoti.url }),
      zenotiProxy({ allow: [`GET ${PATH}`], fairShare }),
    );
    const urls = {} as Record<'proxy' | 'hand' | 'handAgain', string>;
    const apps = {
      proxy: app,
      hand: handWrittenProxy(PREFIX, zenoti.url, `apikey ${D.apiKey}`),
      // The same hand-written proxy again: the A/A pair.
      handAgain: handWrittenProxy(PREFIX, zenoti.url, `apikey ${D.apiKey}`),
    };
    type Name = keyof typeof apps;
    const bodies = new Set<string>();
    for (const name of Object.keys(apps) as Name[]) {
      const listening = await listenExpress(apps[name]);
      servers.push(listening);
      urls[name] = `${listening.url}${PREFIX}${PATH}`;
      const res = await fetch(urls[name]);
      if (res.status !== 200) throw new Error(`${name}: status ${res.status}`);
      bodies.add(await res.text());
    }
    if (bodies.size !== 1) throw new Error('the proxies answer differently');
    const [body] = bodies;
    const [proxy, aa] = await pairedRounds(
      [
        ['proxy', 'hand'],
        ['handAgain', 'hand'],
      ] as const,
      { rounds: PROXY_ROUNDS, warmUp: WARM_UP_ROUNDS },
      async (name: Name) =>
        (
          await generator.run({
            url: urls[name],
            connections: CONNECTIONS,
            durationS: PROXY_DURATION_S,
            expectBody: body as string,
          })
        ).rps,
    );
    const row = pairRow(
      'Express 5 + zenotiProxy (API key) → mock, GET /v1/centers',
      proxy,
      'careful hand-written Express proxy',
      0.9,
    );
    row.notes.push(
      `#14 proxy: ${PROXY_ROUNDS} rounds after ${WARM_UP_ROUNDS} warm-up, ${PROXY_DURATION_S} s a side (ABBA), the mock in a process of its own; the hand-written proxy passes the client's abort, adds the header, drops hop-by-hop headers both ways and streams the body (no allow-list, no path checks). Per-round ratios: zenotiProxy ÷ hand-written ${spread(proxy as Paired)}; A/A, the hand-written proxy twice: ${spread(aa as Paired)}.`,
    );
    return [row];
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
      return [...(await middlewareRows(generator)), ...(await proxyRows(generator))];
    } finally {
      await generator.close();
    }
  },
};
