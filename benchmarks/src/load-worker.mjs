// The load generator, in a process of its own so that it does not share the server's event loop.
// Forked once per benchmark; each { type: 'run', options } message runs autocannon (programmatic
// API) for a fixed duration and answers { type: 'result', … }. Every response time is kept, because
// autocannon's own latency histogram has a resolution of 1 ms, too coarse for a loopback p99 of
// about a millisecond.
import autocannon from 'autocannon';
import { joinFleet, onParent } from '../../tools/test-support/src/fleet-process.mjs';

// Never outlive the benchmark (a fleet of one: see @zenoti-auth/test-support/fleet).
const { send } = joinFleet();

const MAX_SAMPLES = 2_000_000;
const times = new Float64Array(MAX_SAMPLES);

function run(options) {
  return new Promise((resolve) => {
    // A run far past its duration ends the process (the parent then reports the failure).
    const limit = setTimeout(() => process.exit(4), (options.durationS + 20) * 1000);
    let count = 0;
    const instance = autocannon(
      {
        url: options.url,
        connections: options.connections,
        duration: options.durationS,
        headers: options.headers ?? {},
        ...(options.expectBody === undefined ? {} : { expectBody: options.expectBody }),
      },
      (error, result) => {
        clearTimeout(limit);
        if (error) {
          resolve({ error: String(error?.message ?? error) });
          return;
        }
        const sample = times.subarray(0, count).sort();
        const at = (q) => (count ? (sample[Math.min(count - 1, Math.ceil(q * count) - 1)] ?? 0) : 0);
        resolve({
          requests: count,
          seconds: result.duration,
          p50Ms: at(0.5),
          p99Ms: at(0.99),
          errors: result.errors,
          timeouts: result.timeouts,
          non2xx: result.non2xx,
          mismatches: result.mismatches,
        });
      },
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      // Only successful answers count as served (autocannon counts the others in `non2xx`).
      if (statusCode >= 200 && statusCode <= 299 && count < MAX_SAMPLES) times[count++] = responseTime;
    });
  });
}

onParent('run', async (message) => send({ type: 'result', ...(await run(message.options)) }));
send({ type: 'ready' });
