import type { RateWorker, RateWorkerConfig, RateWorkerReport } from '@zenoti-auth/test-support/fleet';
import { startFleetOf } from './fleet.ts';

export {
  merge,
  type RateWorker,
  type RateWorkerConfig,
  type RateWorkerReport,
  reportsOf,
  type SentRequest,
  startCalling as fireBursts,
} from '@zenoti-auth/test-support/fleet';

/** Forks one rate-fleet worker per config (killed after the test) and waits until each has warmed up and reached Redis. */
export function startRateFleet(configs: RateWorkerConfig[]): Promise<RateWorker[]> {
  return startFleetOf('rate-fleet-worker.mjs', configs);
}

/** The most requests any one call needed (1 + its retries after 429). */
export function mostAttempts(reports: RateWorkerReport[]): number {
  let most = 0;
  for (const report of reports) {
    const perCall = new Map<number, number>();
    for (const { call } of report.requests) perCall.set(call, (perCall.get(call) ?? 0) + 1);
    most = Math.max(most, ...perCall.values());
  }
  return most;
}
