// One process of benchmark #9's fleet. On "start" it fires all its calls at once to the mock with
// the API key, through one of three sides:
//   budget      ZenotiAuth with a RedisRateBudget (its own ioredis client; one prefix for the fleet)
//   none        ZenotiAuth without a budget (the engine's defaults: a 429 is waited out, twice at most)
//   bottleneck  plain fetch behind Bottleneck in its Redis cluster mode, set up as its README shows
// When every call is done it reports over IPC each request that reached the mock (sent, answered,
// status) and what the calls ended with, and exits. Bounded: every call has a deadline, the process
// a hard limit.
import { ZenotiAuth } from '@zenoti-auth/core';
import { DEMO_CREDENTIALS as D } from '@zenoti-auth/mock-server';
import { RedisRateBudget } from '@zenoti-auth/redis/rate-budget';
import Bottleneck from 'bottleneck';
import { Redis } from 'ioredis';

const config = JSON.parse(process.env.RATE_FLEET_WORKER ?? '{}');
const send = (message) => process.send?.({ id: config.id, ...message });
// Never outlive the benchmark: a lost parent or a run past the hard limit ends the process.
process.on('disconnect', () => process.exit(3));
setTimeout(() => process.exit(4), config.hardLimitMs).unref();

/** Every request sent to the mock: when it left, when its answer came, its status. */
const requests = [];
async function recordingFetch(input, init) {
  const request = { sentAt: Date.now(), answeredAt: 0, status: 0 };
  requests.push(request);
  try {
    const response = await fetch(input, init);
    request.status = response.status;
    return response;
  } finally {
    request.answeredAt = Date.now();
  }
}

const url = `${config.url}/v1/centers`;
const callDeadline = () => AbortSignal.timeout(config.callDeadlineMs);
/** The side's way to make one call; resolves the answer's status. */
let call;
/** Closes what the side opened. */
let close = async () => undefined;

if (config.side === 'bottleneck') {
  // Bottleneck's README, "Clustering" and "Reservoir Intervals": every limiter with the same `id`
  // shares its state in Redis; the reservoir is the window's calls, refilled every window; at most
  // a window's calls run at once. The first limiter to connect stores these settings for all.
  const limiter = new Bottleneck({
    id: config.bottleneckId,
    datastore: 'ioredis',
    clearDatastore: false,
    clientOptions: { host: '127.0.0.1', port: config.redisPort },
    reservoir: config.limit,
    reservoirRefreshAmount: config.limit,
    reservoirRefreshInterval: config.windowMs,
    maxConcurrent: config.limit,
  });
  limiter.on('error', () => undefined);
  await limiter.ready();
  const headers = { authorization: `apikey ${D.apiKey}` };
  call = () =>
    // README: "set an `expiration` on every job" so that a crashed client frees its slot.
    limiter.schedule({ expiration: config.callDeadlineMs }, async () => {
      const response = await recordingFetch(url, { headers, signal: callDeadline() });
      await response.arrayBuffer();
      return response.status;
    });
  close = () => limiter.disconnect();
} else {
  let budget;
  if (config.side === 'budget') {
    const redis = new Redis({ host: '127.0.0.1', port: config.redisPort, maxRetriesPerRequest: 1 });
    redis.on('error', () => undefined);
    await redis.ping();
    budget = new RedisRateBudget({
      client: redis,
      prefix: config.prefix,
      limit: config.limit,
      intervalMs: config.windowMs,
    });
    close = async () => redis.disconnect();
  }
  const auth = new ZenotiAuth({
    apiKey: D.apiKey,
    baseUrl: config.url,
    fetch: recordingFetch,
    // The budget's README setting: the burst's last calls wait several windows for their permit.
    ...(budget ? { rateLimit: { budget, maxWaitMs: 60_000 } } : {}),
  });
  call = async () => {
    const response = await auth.fetch('/v1/centers', { signal: callDeadline() });
    await response.arrayBuffer();
    return response.status;
  };
}

const statuses = {};
const errors = {};
process.on('message', async (message) => {
  if (message?.type !== 'start') return;
  await Promise.all(
    Array.from({ length: config.calls }, async () => {
      try {
        const status = await call();
        statuses[status] = (statuses[status] ?? 0) + 1;
      } catch (error) {
        const code = error?.code ?? error?.name ?? 'unknown';
        errors[code] = (errors[code] ?? 0) + 1;
      }
    }),
  );
  send({ type: 'report', requests, statuses, errors });
  await close();
  setTimeout(() => process.exit(0), 20);
});

// Warm-up with plain fetch while the mock's limit is still off: opens the connection to the mock.
for (let i = 0; i < 2; i++)
  await (await fetch(url, { headers: { authorization: `apikey ${D.apiKey}` } })).arrayBuffer();
send({ type: 'ready' });
