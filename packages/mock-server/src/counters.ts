import type { GrantCounters, MockCounters, RecordedRequest } from './types.ts';

const grant = (): GrantCounters => ({ ok: 0, rejected: 0, invalid: 0, blocked: 0 });

function emptyCounters(): MockCounters {
  return {
    token: {
      total: 0,
      password: grant(),
      refresh: grant(),
      faulted: 0,
      rateLimited: 0,
      lockouts: 0,
      lockedOut: 0,
      refreshReused: 0,
      sessionsEnded: 0,
    },
    revoke: { total: 0, ok: 0, rejected: 0, faulted: 0, rateLimited: 0 },
    resources: { total: 0, byStatus: {}, faulted: 0, deadToken: 0 },
  };
}

/** What the mock served. `snapshot()` returns a deep copy that later calls do not change. */
export class Counters {
  #c = emptyCounters();

  /** Live counters, for the request handlers to increment. */
  get live(): MockCounters {
    return this.#c;
  }

  snapshot(): MockCounters {
    return structuredClone(this.#c);
  }

  reset(): void {
    this.#c = emptyCounters();
  }

  resourceStatus(status: number): void {
    const key = String(status);
    this.#c.resources.byStatus[key] = (this.#c.resources.byStatus[key] ?? 0) + 1;
  }
}

const MAX_RECORDED = 1_000;

/** The last 1,000 requests, oldest first. */
export class RequestLog {
  #entries: RecordedRequest[] = [];

  add(entry: RecordedRequest): void {
    this.#entries.push(entry);
    if (this.#entries.length > MAX_RECORDED) this.#entries.splice(0, this.#entries.length - MAX_RECORDED);
  }

  list(): RecordedRequest[] {
    return this.#entries.map((e) => ({ ...e, headerNames: [...e.headerNames] }));
  }

  /** The last `count` requests, newest first (copies). */
  recent(count: number): RecordedRequest[] {
    return this.#entries
      .slice(-count)
      .reverse()
      .map((e) => ({ ...e, headerNames: [...e.headerNames] }));
  }

  clear(): void {
    this.#entries = [];
  }
}
