// What the fleet worker scripts take (the config `startFleet` passes each process) and report.
// The token fleet: packages/redis/test/fixtures/fleet-worker.mjs (Redis tests, benchmarks #5, #9, #11).
// The rate fleet: packages/redis/test/fixtures/rate-fleet-worker.mjs (Redis tests, benchmark #9) and
// benchmarks/src/bottleneck-worker.mjs (#9's Bottleneck side).

/** Where a fleet process's Redis is: a plain server, a Cluster or Sentinel (see fixtures/redis-clients.mjs). */
export type RedisTopology =
  | { kind: 'single'; port: number }
  | { kind: 'cluster'; nodes: Array<{ host: string; port: number }> }
  | { kind: 'sentinel'; sentinels: Array<{ host: string; port: number }>; name: string };

/** One process of the token fleet: a service user's engine on a shared RedisTokenStore. */
export interface WorkerConfig {
  id: number;
  url: string;
  redisPort: number;
  /** The topology, when not a plain server on `redisPort`. */
  redis?: RedisTopology;
  /** `memory`: a MemoryTokenStore of the process's own, and no Redis at all. @default 'redis' */
  store?: 'redis' | 'memory';
  /** With it, a RedisRateBudget for the fleet (same prefix): its limit, window and fleet size. */
  budget?: { limit: number; intervalMs: number; fleetSize?: number };
  commandTimeoutMs?: number;
  prefix: string;
  client: 'ioredis' | 'node-redis';
  callers: number;
  /** Think time between a caller's requests (uniform 0.5–1.5 × this). @default 0 */
  pauseMs?: number;
  lockTtlMs?: number;
  encryptionKey?: string;
  refreshWindowMs?: number;
  deadlineMs?: number;
  /** One call's time limit. @default 30_000 */
  callerDeadlineMs?: number;
  /** The callers stop by themselves after this long … @default 60_000 */
  maxRunMs?: number;
  /** … or after this many requests of the process. @default no limit */
  maxRequests?: number;
  hardLimitMs?: number;
}

export interface WorkerReport {
  id: number;
  pid: number;
  statuses: Record<string, number>;
  errors: Record<string, number>;
  requests: number;
  /** Distinct credentials the process's callers got when they all asked at once at the start. */
  coldStartHeaders: number;
  maxLatencyMs: number;
  tokensUsed: string[];
  tokensIssued: string[];
  /** The token calls the process made: when, and when the token it got expires. */
  tokenEvents: Array<{ grant: 'password' | 'refresh'; at: number; expiresAt: number }>;
  storeWarnings: number;
  /** The store's and the budget's warnings, with how often each came. */
  storeWarningKinds: Record<string, number>;
  engineWarnings: number;
  warningKinds: string[];
  /** When each 200 came (ms since epoch). */
  served: number[];
  /** Calls that failed while the token set the process held was alive (by its expiry). */
  failedWhileAlive: number;
  /** Calls that failed while the process could read the shared store (no read failed for 3 s). */
  failedWhileShared: number;
}

/** One process of the rate fleet: an API-key engine that fires its calls at once on "start". */
export interface RateWorkerConfig {
  id: number;
  url: string;
  redisPort: number;
  /** The same in every process: one budget. */
  prefix: string;
  /** @default 'ioredis' */
  client?: 'ioredis' | 'node-redis';
  /** Calls fired at once on "start". */
  calls: number;
  /** The budget's limit and window (what the organisation's Zenoti limit is). */
  limit: number;
  intervalMs: number;
  /** `false`: the engine without a budget (its defaults: a 429 is waited out). @default true */
  budget?: boolean;
  /** How long a call may wait for its permit. @default 30_000 */
  maxWaitMs?: number;
  /** Retries after a 429 for one call (engine default when absent). */
  maxRetries?: number;
  /** The budget's `fleetSize` (its default, 1, when absent). */
  fleetSize?: number;
  /** One call's time limit, retries and waits included. @default 40_000 */
  callDeadlineMs?: number;
  hardLimitMs?: number;
}

/** One request a rate-fleet process sent to the mock. */
export interface SentRequest {
  /** The call it was sent for (its index in the process's burst). */
  call: number;
  sentAt: number;
  answeredAt: number;
  status: number;
}

export interface RateWorkerReport {
  id: number;
  pid: number;
  requests: SentRequest[];
  /** What the calls resolved, by status. */
  statuses: Record<string, number>;
  /** What they rejected with, by code and gist. */
  errors: Record<string, number>;
  /** The engine's `warning` events. */
  warnings: string[];
}
