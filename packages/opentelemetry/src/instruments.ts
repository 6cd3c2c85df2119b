import type {
  Counter,
  Histogram,
  Meter,
  MeterProvider,
  ObservableGauge,
  ObservableResult,
  UpDownCounter,
} from '@opentelemetry/api';
import { createNoopMeter, metrics } from '@opentelemetry/api';

/** This package's name: the instrumentation scope of its spans and metrics. */
export const SCOPE_NAME = '@zenoti-auth/opentelemetry';

/** The boundaries the HTTP semantic conventions advise for `http.client.request.duration`, in s. */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];
/** Waits for a permit run from none to the budget's `maxWaitMs` (a minute by default), in s. */
const WAIT_BUCKETS = [0.01, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/** The metrics of one meter. */
export interface Instruments {
  /**
   * Whether the meter keeps what it is given: `false` for the API's no-op meter (no SDK registered),
   * whose instruments drop every value, so that a call need not be measured at all.
   */
  readonly live: boolean;
  /** `http.client.request.duration`: one call through an engine, its waits and retry included. */
  readonly duration: Histogram;
  /** `zenoti.token.grants`: by `zenoti.grant` and `zenoti.outcome` (with `error.type` on failure). */
  readonly grants: Counter;
  /** `zenoti.rate_limit.wait`: each wait for a permit of the rate budget. */
  readonly wait: Histogram;
  /** `zenoti.rate_limit.queued`: calls waiting for a permit now. */
  readonly queued: UpDownCounter;
  /** `zenoti.rate_limit.rejections`: Zenoti's 429 answers. */
  readonly rejections: Counter;
  /** `zenoti.store.errors`: failed token store commands, by `zenoti.store.operation`. */
  readonly storeErrors: Counter;
}

/** The instruments of `meter`; `zenoti.rate_limit.remaining` reads `remaining` (last report per organisation). */
function create(meter: Meter, remaining: Map<string | undefined, number>): [Instruments, () => void] {
  const gauge: ObservableGauge = meter.createObservableGauge('zenoti.rate_limit.remaining', {
    unit: '{call}',
    description: 'RateLimit-Remaining',
  });
  const observe = (result: ObservableResult): void => {
    for (const [account, value] of remaining)
      result.observe(value, account === undefined ? {} : { 'zenoti.account': account });
  };
  gauge.addCallback(observe);
  const instruments: Instruments = {
    live: meter !== createNoopMeter(),
    duration: meter.createHistogram('http.client.request.duration', {
      unit: 's',
      description: 'Calls to Zenoti',
      advice: { explicitBucketBoundaries: DURATION_BUCKETS },
    }),
    grants: meter.createCounter('zenoti.token.grants', {
      unit: '{grant}',
      description: 'Token grants',
    }),
    wait: meter.createHistogram('zenoti.rate_limit.wait', {
      unit: 's',
      description: 'Permit waits',
      advice: { explicitBucketBoundaries: WAIT_BUCKETS },
    }),
    queued: meter.createUpDownCounter('zenoti.rate_limit.queued', {
      unit: '{call}',
      description: 'Calls waiting for a permit',
    }),
    rejections: meter.createCounter('zenoti.rate_limit.rejections', {
      unit: '{response}',
      description: '429 answers',
    }),
    storeErrors: meter.createCounter('zenoti.store.errors', {
      unit: '{error}',
      description: 'Failed store commands',
    }),
  };
  return [instruments, () => gauge.removeCallback(observe)];
}

/**
 * The instruments of the given meter provider, or of the global one as it is now: one registered
 * after `zenotiTelemetry()` (an SDK started later) is picked up by the calls that start after it.
 */
export class Meters {
  readonly #given: MeterProvider | undefined;
  /** The last `RateLimit-Remaining` per organisation (`undefined`: an API key's, which names none). */
  readonly remaining = new Map<string | undefined, number>();
  #provider: MeterProvider | undefined;
  #instruments: Instruments | undefined;
  #detach: (() => void) | undefined;

  constructor(given: MeterProvider | undefined) {
    this.#given = given;
  }

  /** The instruments now: each call and grant takes them as it starts, and ends on them. */
  get current(): Instruments {
    const provider = this.#given ?? metrics.getMeterProvider();
    // A provider (the given one, or the global one at first use or once replaced) gets its instruments once.
    if (provider !== this.#provider) {
      this.#detach?.();
      [this.#instruments, this.#detach] = create(provider.getMeter(SCOPE_NAME), this.remaining);
      this.#provider = provider;
    }
    return this.#instruments as Instruments;
  }

  /**
   * Stops observing `zenoti.rate_limit.remaining` (once the listener is removed, nothing asks for
   * `current` again); the instruments stay for the calls under way.
   */
  close(): void {
    this.#detach?.();
    this.#detach = undefined;
  }
}
