import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { type ZenotiAuthEnv, zenotiAuth } from '@zenoti-auth/hono';
import { zenotiProxy } from '@zenoti-auth/hono/proxy';
import { DEMO_CREDENTIALS as D } from '@zenoti-auth/mock-server';
import { Hono } from 'hono';
import { type Benchmark, type BenchResult, fmt } from './harness.ts';
import { exited, type Listening, LoadGenerator, listen, rotatingRounds } from './load.ts';

const CONNECTIONS = 10;
const DURATION_S = 1.5;
const WARM_UP_S = 1;
/** A multiple of 3 (the variants), so that each runs first, second and last equally often. */
const ROUNDS = 12;
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

/** The proxy's mount point, the same for both proxies. */
const PREFIX = '/api/zenoti';

/**
 * The hand-written baseline: what a minimal proxy written for the one route does. It forwards the
 * path and query to the mock with a constant `Authorization` header and relays the status, the body
 * (as a stream) and the content type. No allow-list, no header filtering, no retry.
 */
function handWrittenProxy(upstream: string, authorization: string): Hono {
  const app = new Hono();
  app.get(`${PREFIX}/*`, async (c) => {
    const url = c.req.url;
    const target = url.slice(url.indexOf(PREFIX) + PREFIX.length);
    const res = await fetch(`${upstream}${target}`, { headers: { authorization } });
    return new Response(res.body, {
      status: res.status,
      headers: { 'content-type': res.headers.get('content-type') ?? 'application/octet-stream' },
    });
  });
  return app;
}

/**
 * #8: zenotiProxy on Hono (API key) against a hand-written Hono proxy route (same server setup,
 * constant header) and against direct calls to the mock with the API key header.
 */
export const proxyThroughput: Benchmark = {
  id: 8,
  name: 'zenotiProxy throughput',
  async run(): Promise<BenchResult[]> {
    const zenoti = await startMockProcess();
    const servers: Listening[] = [];
    try {
      const app = new Hono<ZenotiAuthEnv>();
      app.use(`${PREFIX}/*`, zenotiAuth({ apiKey: D.apiKey, baseUrl: zenoti.url }));
      // The load generator is one client with CONNECTIONS requests in flight: its fair share is that many.
      const fairShare = { perClient: CONNECTIONS };
      app.all(`${PREFIX}/*`, zenotiProxy({ prefix: PREFIX, allow: [`GET ${PATH}`], fairShare }));
      const proxy = await listen(app.fetch);
      servers.push(proxy);
      const hand = await listen(handWrittenProxy(zenoti.url, `apikey ${D.apiKey}`).fetch);
      servers.push(hand);

      const targets = {
        direct: { url: `${zenoti.url}${PATH}`, headers: { authorization: `apikey ${D.apiKey}` } },
        proxy: { url: `${proxy.url}${PREFIX}${PATH}`, headers: {} },
        hand: { url: `${hand.url}${PREFIX}${PATH}`, headers: {} },
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
          `direct, proxy, hand-written: ${answers.map((a) => a.status).join(', ')}: the answers differ`,
        );
      }

      const generator = await LoadGenerator.start();
      const variants = {
        direct: { ...targets.direct, connections: CONNECTIONS, expectBody: body },
        proxy: { ...targets.proxy, connections: CONNECTIONS, expectBody: body },
        hand: { ...targets.hand, connections: CONNECTIONS, expectBody: body },
      };
      const rounds = await rotatingRounds(generator, variants, {
        rounds: ROUNDS,
        durationS: DURATION_S,
        warmUpS: WARM_UP_S,
      }).finally(() => generator.close());
      const m = (name: Name, pick: (r: { rps: number; p50Ms: number; p99Ms: number }) => number): number =>
        rounds.median(name, pick);
      const latency = (name: Name): string =>
        `${m(name, (r) => r.p50Ms).toFixed(2)}/${m(name, (r) => r.p99Ms).toFixed(2)} ms`;
      const perRound = (name: Name): string =>
        rounds.samples[name].map((s) => `${fmt(s.rps, 0)} req/s p99 ${s.p99Ms.toFixed(2)} ms`).join('; ');
      const perRoundRatios = rounds.samples.proxy
        .map((s, i) => (s.rps / (rounds.samples.hand[i]?.rps ?? Number.NaN)).toFixed(3))
        .join(', ');
      const handRatio = rounds.pairedRatio('proxy', 'hand', (r) => r.rps);
      return [
        {
          id: 8,
          name: 'zenotiProxy (API key) → mock, GET /v1/centers',
          unit: 'req/s',
          value: m('proxy', (r) => r.rps),
          baselineName: 'hand-written Hono proxy route',
          baseline: m('hand', (r) => r.rps),
          ratio: handRatio,
          target: '≥ 0.9×',
          pass: handRatio >= 0.9,
          notes: [],
        },
        {
          id: 8,
          name: 'zenotiProxy (API key) → mock, GET /v1/centers',
          unit: 'req/s',
          value: m('proxy', (r) => r.rps),
          baselineName: 'direct calls to the mock',
          baseline: m('direct', (r) => r.rps),
          ratio: rounds.pairedRatio('proxy', 'direct', (r) => r.rps),
          target: 'report the ratio',
          pass: true,
          notes: [
            `#8: ${CONNECTIONS} connections, ${ROUNDS} rounds × ${DURATION_S} s per variant (order rotated), autocannon and the mock each in a process of their own; medians (the ratios: of the per-round ratios). p50/p99 latency: proxy ${latency('proxy')}, hand-written ${latency('hand')}, direct ${latency('direct')}.`,
            `#8 per-round ratios, zenotiProxy ÷ hand-written: ${perRoundRatios}`,
            `#8 rounds, proxy: ${perRound('proxy')}`,
            `#8 rounds, hand-written: ${perRound('hand')}`,
            `#8 rounds, direct: ${perRound('direct')}`,
          ],
        },
      ];
    } finally {
      for (const server of servers) await server.close();
      await zenoti.close();
    }
  },
};
