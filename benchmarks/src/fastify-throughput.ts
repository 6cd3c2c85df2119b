import replyFrom from '@fastify/reply-from';
import { type ZenotiRequestContext, zenotiAuth } from '@zenoti-auth/fastify';
import { zenotiProxy } from '@zenoti-auth/fastify/proxy';
import { DEMO_CREDENTIALS as D, startMockZenoti } from '@zenoti-auth/mock-server';
import Fastify, { type FastifyInstance } from 'fastify';
import { spread } from './express-throughput.ts';
import { type Benchmark, type BenchResult, median, type Paired, pairedRounds } from './harness.ts';
import { type Listening, LoadGenerator } from './load.ts';
import { startMockProcess } from './proxy-throughput.ts';

const CONNECTIONS = 10;
/** Short measures, many rounds: the two sides of a pair run back to back, so a slow spell hits both. */
const DURATION_S = 0.75;
/** Even: each side of a pair runs first in half of the rounds (ABBA). */
const ROUNDS = 16;
const PROXY_ROUNDS = 12;
const PROXY_DURATION_S = 1;
const WARM_UP_ROUNDS = 1;
const PREFIX = '/api/zenoti';
const PATH = '/v1/centers';

/** A row of the table from one pair. */
function pairRow(name: string, pair: Paired | undefined, baselineName: string, min: number): BenchResult {
  if (!pair) throw new Error(`no measurement for ${name}`);
  return {
    id: 15,
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

/** Serves `app` on 127.0.0.1 and a free port. */
async function listenFastify(app: FastifyInstance): Promise<Listening> {
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return { url, close: () => app.close() };
}

/** The route of the middleware comparison, behind `setUp`: reads the header request.zenoti gives, answers its length. */
async function headerApp(setUp: (app: FastifyInstance) => PromiseLike<unknown>): Promise<FastifyInstance> {
  const app = Fastify();
  await setUp(app);
  app.get('/api/header', async (request) => String((await request.zenoti.authorization()).length));
  return app;
}

/** What one would write by hand instead of `zenotiAuth`: the same decorator, a constant header per request. */
async function constantHeader(app: FastifyInstance, authorization: string): Promise<void> {
  const zenoti = { authorization: () => Promise.resolve(authorization) } as ZenotiRequestContext;
  app.decorateRequest('zenoti', null as never);
  app.addHook('onRequest', (request, _reply, done) => {
    request.zenoti = zenoti;
    done();
  });
}

/** Runs every pair and gives the per-round figures. */
function measurePairs<N extends string>(
  generator: LoadGenerator,
  urls: Record<N, string>,
  body: (name: N) => string,
  pairs: ReadonlyArray<readonly [N, N]>,
  rounds: number,
  durationS: number,
): Promise<Paired[]> {
  return pairedRounds(pairs, { rounds, warmUp: WARM_UP_ROUNDS }, async (name: N) => {
    const result = await generator.run({
      url: urls[name],
      connections: CONNECTIONS,
      durationS,
      expectBody: body(name),
    });
    return result.rps;
  });
}

/** #15, first half: Fastify 5 with zenotiAuth (API key; cached token) ÷ a hand-written constant-header hook. */
async function pluginRows(generator: LoadGenerator): Promise<BenchResult[]> {
  const zenoti = await startMockZenoti({ rateLimit: false });
  const servers: Listening[] = [];
  try {
    const apiKeyHeader = `apikey ${D.apiKey}`;
    const serviceUser = { app: { accountName: D.accountName, ...D.employeeApp }, user: { ...D.employee } };
    const apps = {
      baseline: await headerApp((app) => constantHeader(app, apiKeyHeader)),
      // The same hand-written server again: the A/A pair that shows how fine the comparison is.
      baselineAgain: await headerApp((app) => constantHeader(app, apiKeyHeader)),
      apiKey: await headerApp((app) => app.register(zenotiAuth, { apiKey: D.apiKey, baseUrl: zenoti.url })),
      token: await headerApp((app) => app.register(zenotiAuth, { ...serviceUser, baseUrl: zenoti.url })),
    };
    type Name = keyof typeof apps;
    const urls = {} as Record<Name, string>;
    const bodies = {} as Record<Name, string>;
    for (const name of Object.keys(apps) as Name[]) {
      const listening = await listenFastify(apps[name]);
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

    const pairs = [
      ['apiKey', 'baseline'],
      ['token', 'baseline'],
      ['baselineAgain', 'baseline'],
    ] as const;
    const [apiKey, token, aa] = await measurePairs(
      generator,
      urls,
      (n) => bodies[n],
      pairs,
      ROUNDS,
      DURATION_S,
    );
    if (zenoti.control.counters().token.total !== tokenCalls)
      throw new Error('the token variant made token calls during the run: the token was not cached');
    const rows = [
      pairRow(
        'Fastify 5 + zenotiAuth (API key): throughput',
        apiKey,
        'hand-written constant-header hook',
        0.97,
      ),
      pairRow(
        'Fastify 5 + zenotiAuth (cached token): throughput',
        token,
        'hand-written constant-header hook',
        0.97,
      ),
    ];
    rows[0]?.notes.push(
      `#15: Fastify 5.12, ${CONNECTIONS} connections, autocannon in a process of its own; ${ROUNDS} rounds after ${WARM_UP_ROUNDS} warm-up, each pair back to back for ${DURATION_S} s a side, which first alternating by round (ABBA); value and baseline are medians of the rounds, the ratio the median of the per-round ratios. The baseline decorates the request the same way and sets a constant request.zenoti in an onRequest hook; the route awaits request.zenoti.authorization() and answers its length.`,
      `#15 per-round ratios: API key ÷ constant header ${spread(apiKey as Paired)}; cached token ÷ constant header ${spread(token as Paired)}; A/A, the constant-header server twice: ${spread(aa as Paired)}.`,
    );
    return rows;
  } finally {
    for (const server of servers) await server.close();
    await zenoti.close();
  }
}

/** @fastify/reply-from forwarding the prefix's paths to `upstream`, with the credential header added. */
async function replyFromProxy(upstream: string, authorization: string): Promise<FastifyInstance> {
  const app = Fastify();
  await app.register(replyFrom, { base: upstream });
  app.get(`${PREFIX}/*`, (request, reply) =>
    reply.from(request.url.slice(PREFIX.length), {
      rewriteRequestHeaders: (_request, headers) => ({ ...headers, authorization }),
    }),
  );
  return app;
}

/**
 * A Fastify route that forwards with the global `fetch` (as core does) and the header added: what
 * the proxy costs beyond `fetch` itself. Relays the status, the content type and the body stream.
 */
function fetchRoute(upstream: string, authorization: string): FastifyInstance {
  const app = Fastify();
  app.get(`${PREFIX}/*`, async (request, reply) => {
    const answer = await fetch(`${upstream}${request.url.slice(PREFIX.length)}`, {
      headers: { authorization },
    });
    return reply
      .code(answer.status)
      .type(answer.headers.get('content-type') ?? 'application/octet-stream')
      .send(answer.body);
  });
  return app;
}

/**
 * #15, second half: zenotiProxy (API key) on Fastify 5 ÷ @fastify/reply-from with the header added.
 * The mock runs in a process of its own, as Zenoti is another host.
 */
async function proxyRows(generator: LoadGenerator): Promise<BenchResult[]> {
  const zenoti = await startMockProcess();
  const servers: Listening[] = [];
  try {
    const proxy = Fastify();
    await proxy.register(zenotiAuth, { apiKey: D.apiKey, baseUrl: zenoti.url });
    // The load generator is one client with CONNECTIONS requests in flight: its fair share is that many.
    await proxy.register(zenotiProxy, {
      prefix: PREFIX,
      allow: [`GET ${PATH}`],
      fairShare: { perClient: CONNECTIONS },
    });
    const authorization = `apikey ${D.apiKey}`;
    const apps = {
      proxy,
      replyFrom: await replyFromProxy(zenoti.url, authorization),
      // The same reply-from proxy again: the A/A pair.
      replyFromAgain: await replyFromProxy(zenoti.url, authorization),
      fetchRoute: fetchRoute(zenoti.url, authorization),
    };
    type Name = keyof typeof apps;
    const urls = {} as Record<Name, string>;
    const bodies = new Set<string>();
    for (const name of Object.keys(apps) as Name[]) {
      const listening = await listenFastify(apps[name]);
      servers.push(listening);
      urls[name] = `${listening.url}${PREFIX}${PATH}`;
      const res = await fetch(urls[name]);
      if (res.status !== 200) throw new Error(`${name}: status ${res.status}`);
      bodies.add(await res.text());
    }
    if (bodies.size !== 1) throw new Error('the proxies answer differently');
    const [body = ''] = bodies;
    const pairs = [
      ['proxy', 'replyFrom'],
      ['replyFromAgain', 'replyFrom'],
      ['proxy', 'fetchRoute'],
    ] as const;
    const [pair, aa, beyondFetch] = await measurePairs(
      generator,
      urls,
      () => body,
      pairs,
      PROXY_ROUNDS,
      PROXY_DURATION_S,
    );
    const fetchRow = pairRow(
      'Fastify 5 + zenotiProxy (API key) → mock, GET /v1/centers',
      beyondFetch,
      'a Fastify route forwarding with fetch + header',
      0.9,
    );
    fetchRow.target = 'report the ratio';
    fetchRow.pass = true;
    const row = pairRow(
      'Fastify 5 + zenotiProxy (API key) → mock, GET /v1/centers',
      pair,
      '@fastify/reply-from + header',
      0.9,
    );
    row.notes.push(
      `#15 proxy: ${PROXY_ROUNDS} rounds after ${WARM_UP_ROUNDS} warm-up, ${PROXY_DURATION_S} s a side (ABBA), the mock in a process of its own; the baseline is @fastify/reply-from 12 (undici pool) with the Authorization header added (no allow-list, no path checks, no header allow-list). Per-round ratios: zenotiProxy ÷ reply-from ${spread(pair as Paired)}; A/A, reply-from twice: ${spread(aa as Paired)}; zenotiProxy ÷ a route forwarding with the global fetch (as core does) ${spread(beyondFetch as Paired)}: the part of the gap that is fetch's (Web streams, the fetch spec's steps) against reply-from's undici.request.`,
    );
    return [row, fetchRow];
  } finally {
    for (const server of servers) await server.close();
    await zenoti.close();
  }
}

/** #15: Fastify with zenotiAuth ÷ a constant-header hook; zenotiProxy ÷ @fastify/reply-from. */
export const fastifyThroughput: Benchmark = {
  id: 15,
  name: 'Fastify with zenotiAuth and zenotiProxy',
  async run(): Promise<BenchResult[]> {
    const generator = await LoadGenerator.start();
    try {
      return [...(await pluginRows(generator)), ...(await proxyRows(generator))];
    } finally {
      await generator.close();
    }
  },
};
