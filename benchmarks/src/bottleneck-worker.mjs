// One process of benchmark #9's Bottleneck side (config: RateWorkerConfig of @zenoti-auth/test-support
// plus `bottleneckId`): on "start" it fires all its calls at once to the mock with the API key, plain
// fetch behind Bottleneck in its Redis cluster mode, set up as its README shows. When every call is
// done it reports each request that reached the mock and what the calls ended with, and exits.
// The other sides of #9 run the Redis tests' rate-fleet worker (fleets.ts).
import { DEMO_CREDENTIALS as D } from '@zenoti-auth/mock-server';
import Bottleneck from 'bottleneck';
import {
  fireBurst,
  joinFleet,
  onParent,
  recordingFetch,
  reportAndExit,
  warmUp,
} from '../../tools/test-support/src/fleet-process.mjs';

const { config, send } = joinFleet(60_000);

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
  reservoirRefreshInterval: config.intervalMs,
  maxConcurrent: config.limit,
});
limiter.on('error', () => undefined);
await limiter.ready();

const requests = [];
const recorded = recordingFetch(requests);
const headers = { authorization: `apikey ${D.apiKey}` };
onParent('start', async () => {
  const { statuses, errors } = await fireBurst(config.calls, (index) =>
    // README: "set an `expiration` on every job" so that a crashed client frees its slot.
    limiter.schedule({ expiration: config.callDeadlineMs }, async () => {
      const response = await recorded(`${config.url}/v1/centers?call=${index}`, {
        headers,
        signal: AbortSignal.timeout(config.callDeadlineMs),
      });
      await response.arrayBuffer();
      return response.status;
    }),
  );
  await reportAndExit(send, { requests, statuses, errors, warnings: [] }, () => limiter.disconnect());
});

// Warm-up with plain fetch while the mock's limit is still off: opens the connection to the mock.
await warmUp(`${config.url}/v1/centers`, D.apiKey);
send({ type: 'ready' });
