/*
 * `@zenoti-auth/core/health`: what an engine's health is, for readiness checks and `/health`
 * routes (`healthOf()`). An entry of its own: an app with no health route never loads it. It reads
 * what the engine recorded (`HealthSources`, under a registry symbol) and calls only the engine's
 * public methods; it imports the main entry's errors by name (see tsdown.config.ts) and may import
 * pure helpers of the engine's layers (`refresh-policy.ts`), never the other way round.
 */
export {
  healthOf,
  type ZenotiHealth,
  type ZenotiHealthChecks,
  type ZenotiHealthFailure,
  type ZenotiHealthOptions,
  type ZenotiHealthStatus,
  type ZenotiProbeCheck,
} from './health-of.ts';
