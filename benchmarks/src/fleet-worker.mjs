// One process of benchmark #5's fleet: its own ZenotiAuth on the mock's demo employee app and
// service user, with either a RedisTokenStore (its own ioredis client; every process uses the same
// Redis and prefix) or a MemoryTokenStore of its own. Between the parent's "start" and "stop" a few
// callers loop `auth.fetch('/v1/centers')` with a think time; the loop is bounded in requests and in
// time. The process reports over IPC what its callers saw and the token calls it made itself.
import { MemoryTokenStore, ZenotiAuth } from '@zenoti-auth/core';
import { RedisTokenStore } from '@zenoti-auth/redis';
import { encryption } from '@zenoti-auth/redis/encryption';
import { Redis } from 'ioredis';

const config = JSON.parse(process.env.FLEET_WORKER ?? '{}');
const send = (message) => process.send?.({ id: config.id, ...message });
// Never outlive the benchmark: a lost parent or a run past the hard limit ends the process.
process.on('disconnect', () => process.exit(3));
setTimeout(() => process.exit(4), config.hardLimitMs).unref();

let redis;
let store;
let storeWarnings = 0;
if (config.store === 'redis') {
  redis = new Redis({ host: '127.0.0.1', port: config.redisPort, maxRetriesPerRequest: 1 });
  redis.on('error', () => undefined);
  store = new RedisTokenStore({
    client: redis,
    prefix: config.prefix,
    encryption: encryption(config.encryptionKey),
    onWarning: () => storeWarnings++,
  });
} else {
  store = new MemoryTokenStore();
}

const tokenEvents = []; // { grant, at, expiresAt }: the token calls this process made
let engineWarnings = 0;
const auth = new ZenotiAuth({
  baseUrl: config.url,
  app: config.app,
  user: config.user,
  store,
  onEvent: (event) => {
    if (event.type === 'token')
      tokenEvents.push({ grant: event.grant, at: Date.now(), expiresAt: event.expiresAt });
    if (event.type === 'warning') engineWarnings++;
  },
});

const statuses = {};
const errors = {};
let requests = 0;
let stopping = false;
const sleeping = new Set();
const sleep = (ms) =>
  new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      sleeping.delete(done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    sleeping.add(done);
  });

async function caller(end) {
  await sleep(Math.random() * config.pauseMs); // spread the callers over one think time
  while (!stopping && requests < config.maxRequests && Date.now() < end) {
    requests++;
    try {
      const response = await auth.fetch('/v1/centers', { signal: AbortSignal.timeout(10_000) });
      await response.arrayBuffer();
      statuses[response.status] = (statuses[response.status] ?? 0) + 1;
    } catch (error) {
      const code = error?.code ?? error?.name ?? 'unknown';
      errors[code] = (errors[code] ?? 0) + 1;
    }
    await sleep(config.pauseMs * (0.5 + Math.random()));
  }
}

process.on('message', async (message) => {
  if (message?.type === 'start') {
    const end = Date.now() + config.maxRunMs;
    await Promise.all(Array.from({ length: config.callers }, () => caller(end)));
    send({ type: 'report', statuses, errors, requests, tokenEvents, storeWarnings, engineWarnings });
    if (config.store === 'redis') {
      await store.close();
      redis.disconnect();
    }
    setTimeout(() => process.exit(0), 20);
  }
  if (message?.type === 'stop') {
    stopping = true;
    for (const done of [...sleeping]) done();
  }
});

if (redis) await redis.ping();
send({ type: 'ready' });
