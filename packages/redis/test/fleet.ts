import { fileURLToPath } from 'node:url';
import {
  killFleet,
  startFleet as startWorkers,
  type Worker,
  type WorkerConfig,
} from '@zenoti-auth/test-support/fleet';
import { onCleanup } from './support.ts';

export * from '@zenoti-auth/test-support/fleet';

/** The fleet worker of these tests: one process of a fleet on the built packages. */
export const FLEET_WORKER = fileURLToPath(new URL('./fixtures/fleet-worker.mjs', import.meta.url));

/** Forks one fleet worker per config (killed after the test) and waits until each is connected. */
export function startFleet(configs: WorkerConfig[]): Promise<Worker[]> {
  return startWorkers(FLEET_WORKER, configs, (workers) => onCleanup(async () => killFleet(workers)));
}
