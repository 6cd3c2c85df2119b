import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { type ZenotiAuthEnv, zenotiAuth } from '@zenoti-auth/hono';
import { zenotiProxy } from '@zenoti-auth/hono/proxy';
import { DEMO_CREDENTIALS as D } from '@zenoti-auth/mock-server';
import { Hono } from 'hono';
import { proxy } from 'hono/proxy';
import { type Benchmark, type BenchResult, fmt, spread } from './harness.ts';
import { exited, type Listening, LoadGenerator, listen, rotatingRounds } from './load.ts';

const CONNECTIONS = 10;
const DURATION_S = 1.5;
const WARM_UP_S = 1;
/** A multiple of 5 (the variants), so that each runs in every place equally often. */
const ROUNDS = 10;
const PATH = '/v1/centers';

const MOCK_CLI = fileURLToPath(
  new URL('../node_modules/@zenoti-auth/mock-server/dist/cli.mjs', import.meta.url),
);

/**
 * The mock Zenoti in a process of its own (as Zenoti is another host): the proxy variant then
 * measures what the proxy adds, not the proxy and the upstream sharing one event loop.
 */
export async function startMockProcess(): Promise<{ url: string; close(): Promise<void> }> {
  const child = spawn(process.execPath, [MOCK_CLI, '--port', '0', '--rate-limit', 'off', '--quiet'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const done = exited(child, 120_000);
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-2_000);
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('the mock did not start within 15 s')), 15_000);
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the mock exited with ${code}: ${stderr.trim()}`));
    });
  });
  return {
    url,
    close: async () => {
      child.kill('SIGTERM');
      await done;
    },
  };
}

/** The proxies' mount point, the same for all of them. */
const PREFIX = '/api/zenoti';

/** The path and query a request to `url` asks of Zenoti: what follows the mount point. */
const upstreamPath = (url: string): string => url.slice(url.indexOf(PREFIX) + PREFIX.length);

/**
 * The baseline a careful Hono user picks: Hono's own `proxy()` helper (`hono/proxy`), as its
 * documentation shows it, with the client's request (`...c.req`: its method, headers, body and
 * abort signal) and our `Authorization` added. It drops hop-by-hop headers both ways and streams
 * the body; it has no allow-list and no path checks.
 */
function honoProxy(upstream: string, authorization: string): Hono {
  const app = new Hono();
  app.get(`${PREFIX}/*`, (c) =>
    proxy(`${upstream}${upstreamPath(c.req.url)}`, {
      ...c.req,
      headers: { ...c.req.header(), authorization },
    }),
  );
  return app;
}

/**
 * A minimal hand-written route, kept as a report: it forwards the path and query with a constant
 * `Authorization` header and relays the status, the body (as a stream) and the content type. No
 * abort signal, no allow-list, no header filtering: the safety zenotiProxy adds counts as its cost.
 */
function handWrittenProxy(upstream: string, authorization: string): Hono {
  const app = new Hono();
  app.get(`${PREFIX}/*`, async (c) => {
    const res = await fetch(`${upstream}${upstreamPath(c.req.url)}`, { headers: { authorization } });
    return new Response(res.body, {
      status: res.status,
      headers: { 'content-type': res.headers.get('content-type') ?? 'application/octet-stream' },
    });
  });
  return app;
}

/**
 * #8: zenotiProxy on Hono (API key) against Hono's own `proxy()` helper with the header added and
 * the client's signal passed (the target), with an A/A pair of that baseline; as reports, against a
 * minimal hand-written route and against direct calls to the mock with the API key header.
 */
export const proxyThroughput: Benchmark = {
  id: 8,
  name: 'zenotiProxy throughput',
  async run(): Promise<BenchResult[]> {
    const zenoti = await startMockProcess();
    const servers: Listening[] = [];
    const serve = async (fetch: Parameters<typeof listen>[0]): Promise<string> => {
      const listening = await listen(fetch);
      servers.push(listening);
      return listening.url;
    };
    try {
      const authorization = `apikey ${D.apiKey}`;
      const app = new Hono<ZenotiAuthEnv>();
      app.use(`${PREFIX}/*`, zenotiAuth({ apiKey: D.apiKey, baseUrl: zenoti.url }));
      // The load generator is one client with CONNECTIONS requests in flight: its fair share is that many.
      const fairShare = { perClient: CONNECTIONS };
      app.all(`${PREFIX}/*`, zenotiProxy({ prefix: PREFIX, allow: [`GET ${PATH}`], fairShare }));
      const through = (url: string) => ({ url: `${url}${PREFIX}${PATH}`, headers: {} });
      const targets = {
        direct: { url: `${zenoti.url}${PATH}`, headers: { authorization } },
        proxy: through(await serve(app.fetch)),
        honoProxy: through(await serve(honoProxy(zenoti.url, authorization).fetch)),
        // The same kind of server again: the A/A pair that shows how fine the comparison is.
        honoProxyAgain: through(await serve(honoProxy(zenoti.url, authorization).fetch)),
        hand: through(await serve(handWrittenProxy(zenoti.url, authorization).fetch)),
      } as const;
      type Name = keyof typeof targets;
      // All must answer 200 with the same body; every load answer is then checked against it.
      const answers = await Promise.all(
        Object.values(targets).map(async ({ url, headers }) => {
          const res = await fetch(url, { headers });
          return { status: res.status, body: await res.text() };
        }),
      );
      const body = answers[0]?.body ?? '';
      if (answers.some((a) => a.status !== 200 || a.body !== body)) {
        throw new Error(
          `${Object.keys(targets).join(', ')}: ${answers.map((a) => a.status).join(', ')}: the answers differ`,
        );
      }

      const generator = await LoadGenerator.start();
      const variants = Object.fromEntries(
        Object.entries(targets).map(([name, target]) => [
          name,
          { ...target, connections: CONNECTIONS, expectBody: body },
        ]),
      ) as Record<Name, (typeof targets)[Name] & { connections: number; expectBody: string }>;
      const rounds = await rotatingRounds(generator, variants, {
        rounds: ROUNDS,
        durationS: DURATION_S,
        warmUpS: WARM_UP_S,
      }).finally(() => generator.close());
      const rps = (r: { rps: number }): number => r.rps;
      const latency = (name: Name): string =>
        `${rounds.median(name, (r) => r.p50Ms).toFixed(2)}/${rounds.median(name, (r) => r.p99Ms).toFixed(2)} ms`;
      const perRound = (name: Name): string =>
        rounds.samples[name].map((s) => `${fmt(s.rps, 0)} req/s p99 ${s.p99Ms.toFixed(2)} ms`).join('; ');
      const aa = rounds.paired('honoProxyAgain', 'honoProxy', rps);
      const row = (baseline: Name, baselineName: string, min?: number): BenchResult => {
        const pair = rounds.paired('proxy', baseline, rps);
        return {
          id: 8,
          name: 'zenotiProxy (API key) → mock, GET /v1/centers',
          unit: 'req/s',
          value: rounds.median('proxy', rps),
          baselineName,
          baseline: rounds.median(baseline, rps),
          ratio: pair.ratio,
          target: min === undefined ? 'report the ratio' : `≥ ${min}×`,
          pass: min === undefined || pair.ratio >= min,
          aa,
          notes: [],
        };
      };
      const rows = [
        row('honoProxy', 'Hono proxy() with the header and the client’s signal', 0.9),
        row('hand', 'minimal hand-written Hono route (no signal, no checks)'),
        row('direct', 'direct calls to the mock'),
      ];
      rows[0]?.notes.push(
        `#8: ${CONNECTIONS} connections, ${ROUNDS} rounds × ${DURATION_S} s per variant (order rotated), autocannon and the mock each in a process of their own; medians (the ratios: of the per-round ratios). The baseline is Hono's proxy() helper (hono/proxy) as its documentation shows it: { ...c.req, headers: { ...c.req.header(), authorization } } (method, headers, body and the client's abort signal; hop-by-hop headers dropped both ways). p50/p99 latency: zenotiProxy ${latency('proxy')}, Hono proxy() ${latency('honoProxy')}, hand-written ${latency('hand')}, direct ${latency('direct')}.`,
        `#8 per-round ratios: zenotiProxy ÷ Hono proxy() ${spread(rounds.paired('proxy', 'honoProxy', rps))}; A/A, Hono proxy() twice: ${spread(aa)}; zenotiProxy ÷ hand-written ${spread(rounds.paired('proxy', 'hand', rps))}; Hono proxy() ÷ hand-written ${spread(rounds.paired('honoProxy', 'hand', rps))}.`,
        ...(['proxy', 'honoProxy', 'honoProxyAgain', 'hand', 'direct'] as const).map(
          (name) => `#8 rounds, ${name}: ${perRound(name)}`,
        ),
      );
      return rows;
    } finally {
      for (const server of servers) await server.close();
      await zenoti.close();
    }
  },
};
