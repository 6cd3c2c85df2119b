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
/** Even, so that each variant runs first equally often. */
const ROUNDS = 10;
const PATH = '/v1/centers';

const MOCK_CLI = fileURLToPath(
  new URL('../node_modules/@zenoti-auth/mock-server/dist/cli.mjs', import.meta.url),
);

/**
 * The mock Zenoti in a process of its own (as Zenoti is another host): the proxy variant then
 * measures what the proxy adds, not the proxy and the upstream sharing one event loop.
 */
async function startMockProcess(): Promise<{ url: string; close(): Promise<void> }> {
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

/** #8: zenotiProxy on Hono (API key) against direct calls to the mock with the API key header. */
export const proxyThroughput: Benchmark = {
  id: 8,
  name: 'zenotiProxy throughput',
  async run(): Promise<BenchResult> {
    const zenoti = await startMockProcess();
    let proxy: Listening | undefined;
    try {
      const app = new Hono<ZenotiAuthEnv>();
      app.use('/api/zenoti/*', zenotiAuth({ apiKey: D.apiKey, baseUrl: zenoti.url }));
      app.all('/api/zenoti/*', zenotiProxy({ prefix: '/api/zenoti', allow: [`GET ${PATH}`] }));
      proxy = await listen(app.fetch);

      const targets = {
        direct: { url: `${zenoti.url}${PATH}`, headers: { authorization: `apikey ${D.apiKey}` } },
        proxy: { url: `${proxy.url}/api/zenoti${PATH}`, headers: {} },
      } as const;
      type Name = keyof typeof targets;
      // Both must answer 200 with the same body; every load answer is then checked against it.
      const direct = await fetch(targets.direct.url, { headers: targets.direct.headers });
      const body = await direct.text();
      const proxied = await fetch(targets.proxy.url);
      const proxiedBody = await proxied.text();
      if (direct.status !== 200 || proxied.status !== 200 || proxiedBody !== body) {
        throw new Error(`direct ${direct.status}, proxy ${proxied.status}: the answers differ`);
      }

      const generator = await LoadGenerator.start();
      const variants = {
        direct: { ...targets.direct, connections: CONNECTIONS, expectBody: body },
        proxy: { ...targets.proxy, connections: CONNECTIONS, expectBody: body },
      };
      const rounds = await rotatingRounds(generator, variants, {
        rounds: ROUNDS,
        durationS: DURATION_S,
        warmUpS: WARM_UP_S,
      }).finally(() => generator.close());
      const m = (name: Name, pick: (r: { rps: number; p50Ms: number; p99Ms: number }) => number): number =>
        rounds.median(name, pick);
      const perRound = (name: Name): string =>
        rounds.samples[name].map((s) => `${fmt(s.rps, 0)} req/s p99 ${s.p99Ms.toFixed(2)} ms`).join('; ');
      return {
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
          `#8: ${CONNECTIONS} connections, ${ROUNDS} rounds × ${DURATION_S} s per variant (alternating), autocannon and the mock each in a process of their own; medians (the ratio: of the per-round ratios). p50/p99 latency: proxy ${m('proxy', (r) => r.p50Ms).toFixed(2)}/${m('proxy', (r) => r.p99Ms).toFixed(2)} ms, direct ${m('direct', (r) => r.p50Ms).toFixed(2)}/${m('direct', (r) => r.p99Ms).toFixed(2)} ms.`,
          `#8 rounds, proxy: ${perRound('proxy')}`,
          `#8 rounds, direct: ${perRound('direct')}`,
        ],
      };
    } finally {
      await proxy?.close();
      await zenoti.close();
    }
  },
};
