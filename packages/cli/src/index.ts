// The programmatic side of the `zenoti-auth` command: the same checks, as objects (what `--json` prints).
export {
  API_KEY_CHECK_PATH,
  type CallRecord,
  type CheckReport,
  checkCredentials,
  type RateLimitSeen,
} from './check.ts';
export type { RedisTarget } from './redis-connection.ts';
export type { ReportedError } from './safe-error.ts';
export {
  type BudgetState,
  DEFAULT_PREFIX,
  type FleetStatusOptions,
  type FleetStatusReport,
  type GuardState,
  type KeyState,
  readFleetStatus,
  type SessionTally,
  type SetState,
} from './status.ts';
