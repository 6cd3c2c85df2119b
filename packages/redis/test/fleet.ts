import { fileURLToPath } from 'node:url';
import {
  type FleetProcess,
  killFleet,
  startFleet as startWorkers,
  type Worker,
  type WorkerConfig,
} from '@zenoti-auth/test-support/fleet';
import { onCleanup } from './support.ts';

export * from '@zenoti-auth/test-support/fleet';

const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

/** The fleet worker of these tests: one process of a token fleet on the built packages. */
export const FLEET_WORKER = fixture('fleet-worker.mjs');

/**
 * Forks one process of the fixture `worker` per config (killed after the test) and waits until each
 * is ready (see `startFleet` in @zenoti-auth/test-support/fleet).
 */
export function startFleetOf<Config extends { id: number }, Report>(
  worker: string,
  configs: Config[],
): Promise<FleetProcess<Config, Report>[]> {
  return startWorkers<Config, Report>(fixture(worker), configs, (started) =>
    onCleanup(async () => killFleet(started)),
  );
}

/** Forks one token-fleet worker per config (killed after the test) and waits until each is connected. */
export function startFleet(configs: WorkerConfig[]): Promise<Worker[]> {
  return startFleetOf('fleet-worker.mjs', configs);
}
