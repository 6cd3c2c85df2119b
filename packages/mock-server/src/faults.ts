import type { MockEndpoint, MockFault } from './types.ts';

const ENDPOINTS: readonly MockEndpoint[] = ['token', 'revoke', 'resource', 'any'];

/** A concrete endpoint a request belongs to (`any` is only a selector). */
export type RequestEndpoint = Exclude<MockEndpoint, 'any'>;

export function validateEndpoint(endpoint: unknown): MockEndpoint {
  if (!ENDPOINTS.includes(endpoint as MockEndpoint)) {
    throw new Error(
      `zenoti-mock: endpoint must be one of ${ENDPOINTS.join(', ')}; got ${JSON.stringify(endpoint)}`,
    );
  }
  return endpoint as MockEndpoint;
}

export function validateFault(fault: unknown): MockFault {
  const f = fault as Record<string, unknown> | null;
  if (typeof f !== 'object' || f === null)
    throw new Error('zenoti-mock: fault must be an object with a "kind"');
  switch (f.kind) {
    case 'status':
      if (typeof f.status !== 'number' || !Number.isInteger(f.status) || f.status < 200 || f.status > 599) {
        throw new Error('zenoti-mock: fault.status must be an HTTP status between 200 and 599');
      }
      if (f.body !== undefined && typeof f.body !== 'string')
        throw new Error('zenoti-mock: fault.body must be a string');
      return fault as MockFault;
    case 'hang':
    case 'drop':
      return fault as MockFault;
    case 'raw':
      if (typeof f.body !== 'string') throw new Error('zenoti-mock: a raw fault needs a string "body"');
      if (f.status !== undefined && (typeof f.status !== 'number' || f.status < 200 || f.status > 599)) {
        throw new Error('zenoti-mock: fault.status must be an HTTP status between 200 and 599');
      }
      return fault as MockFault;
    default:
      throw new Error(
        `zenoti-mock: fault.kind must be status, hang, drop or raw; got ${JSON.stringify(f.kind)}`,
      );
  }
}

interface QueuedFault {
  endpoint: MockEndpoint;
  fault: MockFault;
  remaining: number;
}

/** Injected faults, first in first out: each entry answers its next `times` matching calls. */
export class FaultQueue {
  #queue: QueuedFault[] = [];

  inject(endpoint: MockEndpoint, fault: MockFault, times = 1): void {
    validateEndpoint(endpoint);
    validateFault(fault);
    if (!(times === Number.POSITIVE_INFINITY || (Number.isInteger(times) && times >= 1))) {
      throw new Error(
        `zenoti-mock: injectFault times must be an integer ≥ 1 or Infinity; got ${String(times)}`,
      );
    }
    this.#queue.push({ endpoint, fault, remaining: times });
  }

  /** The fault for this call, if any (and uses up one of its `times`). */
  take(endpoint: RequestEndpoint): MockFault | undefined {
    const index = this.#queue.findIndex((q) => q.endpoint === endpoint || q.endpoint === 'any');
    const entry = this.#queue[index];
    if (!entry) return undefined;
    entry.remaining -= 1;
    if (entry.remaining <= 0) this.#queue.splice(index, 1);
    return entry.fault;
  }

  clear(): void {
    this.#queue = [];
  }
}

/** Added latency: a value for `any` plus optional per-endpoint values that take its place. */
export class Latency {
  #any = 0;
  readonly #byEndpoint = new Map<RequestEndpoint, number>();

  constructor(anyMs = 0) {
    this.reset(anyMs);
  }

  set(ms: number, endpoint: MockEndpoint = 'any'): void {
    validateEndpoint(endpoint);
    if (!Number.isFinite(ms) || ms < 0)
      throw new Error(`zenoti-mock: latency must be a finite number ≥ 0; got ${ms}`);
    if (endpoint === 'any') this.#any = ms;
    else this.#byEndpoint.set(endpoint, ms);
  }

  get(endpoint: RequestEndpoint): number {
    return this.#byEndpoint.get(endpoint) ?? this.#any;
  }

  reset(anyMs: number): void {
    this.#byEndpoint.clear();
    this.set(anyMs);
  }
}

/** Resolves after `ms` (real time), or as soon as any of the signals aborts. */
export function sleep(ms: number, signals: readonly AbortSignal[]): Promise<void> {
  if (ms <= 0 || signals.some((s) => s.aborted)) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      for (const s of signals) s.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, Math.min(ms, 2_147_483_647));
    for (const s of signals) s.addEventListener('abort', done, { once: true });
  });
}

/** Resolves when any of the signals aborts (never on its own). */
export function untilAborted(signals: readonly AbortSignal[]): Promise<void> {
  if (signals.some((s) => s.aborted)) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      for (const s of signals) s.removeEventListener('abort', done);
      resolve();
    };
    for (const s of signals) s.addEventListener('abort', done, { once: true });
  });
}
