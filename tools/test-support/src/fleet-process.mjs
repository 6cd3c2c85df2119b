// The process half of the fleet harness (fleet.ts starts the processes): what every worker script of
// a fleet does alike, so that each script keeps only its engine and its calls.
// Node's built-ins and globals only, and imported by a relative path, not by the package's name:
// benchmarks copy a worker script and this file into a checkout of an older commit
// (benchmarks/src/baseline.ts), where the worker must find nothing but that commit's packages.

/**
 * Joins the fleet: reads this process's config (JSON in FLEET_WORKER, from `forkWorker`) and makes
 * sure the process never outlives its parent: a lost parent ends it (exit 3), and so does a run past
 * `config.hardLimitMs` (else `hardLimitMs`; exit 4). Returns the config and `send`, which tells the
 * parent a message stamped with the process's id and pid.
 */
export function joinFleet(hardLimitMs) {
  const config = JSON.parse(process.env.FLEET_WORKER ?? '{}');
  process.on('disconnect', () => process.exit(3));
  const limitMs = config.hardLimitMs ?? hardLimitMs;
  if (limitMs) setTimeout(() => process.exit(4), limitMs).unref();
  const send = (message) => process.send?.({ id: config.id, pid: process.pid, ...message });
  return { config, send };
}

/** Runs `handler` for every message of `type` from the parent ('start', 'stop', 'run' …). */
export function onParent(type, handler) {
  process.on('message', (message) => {
    if (message?.type === type) handler(message);
  });
}

/** Sends the report, closes what the process opened, and exits 0 once the report has left. */
export async function reportAndExit(send, report, close = async () => undefined) {
  send({ type: 'report', ...report });
  await close();
  setTimeout(() => process.exit(0), 50);
}

/** Counts one more `key` in `counts`. */
export function tally(counts, key) {
  counts[key] = (counts[key] ?? 0) + 1;
}

/** What a failed call counts as: its code plus the gist of its message ("no newer credential" and "even after a retry" differ). */
export function failureOf(error) {
  const gist =
    typeof error?.message === 'string' ? error.message.replace(/^\[[^\]]*\] /, '').slice(0, 60) : '';
  return `${error?.code ?? error?.name ?? 'unknown'}${gist ? `: ${gist}` : ''}`;
}

/**
 * A fetch that records in `requests` every request it sends: the call it was sent for (the URL's
 * `call` parameter), when it left, when its answer came, and the answer's status.
 */
export function recordingFetch(requests) {
  return async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const request = {
      call: Number(url.searchParams.get('call')),
      sentAt: Date.now(),
      answeredAt: 0,
      status: 0,
    };
    requests.push(request);
    try {
      const response = await fetch(input, init);
      request.status = response.status;
      return response;
    } finally {
      request.answeredAt = Date.now();
    }
  };
}

/** Makes `calls` calls at once (`call(index)` resolves a status) and counts their statuses and errors. */
export async function fireBurst(calls, call) {
  const statuses = {};
  const errors = {};
  await Promise.all(
    Array.from({ length: calls }, async (_, index) => {
      try {
        tally(statuses, await call(index));
      } catch (error) {
        tally(errors, failureOf(error));
      }
    }),
  );
  return { statuses, errors };
}

/** Sleeps that `wakeAll()` cuts short: callers in their think time stop at once on "stop". */
export function pauses() {
  const sleeping = new Set();
  return {
    sleep: (ms) =>
      new Promise((resolve) => {
        const done = () => {
          clearTimeout(timer);
          sleeping.delete(done);
          resolve();
        };
        const timer = setTimeout(done, ms);
        sleeping.add(done);
      }),
    wakeAll: () => {
      for (const done of [...sleeping]) done();
    },
  };
}

/**
 * Warm-up with the API key (no token involved, the mock's rate limit still off): `rounds` rounds of
 * `parallel` GETs of `url` (each through `via`), so that this process's connections to the mock are
 * open and past their first, slow requests before the run. The parent resets the mock's counters.
 */
export async function warmUp(url, apiKey, { rounds = 2, parallel = 1, via = (get) => get() } = {}) {
  const headers = { authorization: `apikey ${apiKey}` };
  for (let round = 0; round < rounds; round++) {
    await Promise.all(
      Array.from({ length: parallel }, () => via(async () => (await fetch(url, { headers })).arrayBuffer())),
    );
  }
}
