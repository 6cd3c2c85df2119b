import { fileURLToPath } from 'node:url';
import {
  serveWorker as serve,
  serveWorkers as serveAll,
  type Workerd,
  type WorkerService,
} from '@zenoti-auth/test-support/workerd';

const WORKERD = fileURLToPath(new URL('../node_modules/workerd/bin/workerd', import.meta.url));

/** Serves `dir/worker.js` with this app's workerd (see `serveWorker` in @zenoti-auth/test-support). */
export function serveWorker(dir: string, bindings: Record<string, string>): Promise<Workerd> {
  return serve(dir, bindings, { workerd: WORKERD });
}

/** Serves `dir/worker.js` as several services, each its own isolate (see `serveWorkers`). */
export function serveWorkers(dir: string, services: WorkerService[]): Promise<Workerd> {
  return serveAll(dir, services, { workerd: WORKERD });
}
