import { fileURLToPath } from 'node:url';
import { serveWorker as serve, type Workerd } from '@zenoti-auth/test-support/workerd';

const WORKERD = fileURLToPath(new URL('../node_modules/workerd/bin/workerd', import.meta.url));

/** Serves `dir/worker.js` with this app's workerd (see `serveWorker` in @zenoti-auth/test-support). */
export function serveWorker(dir: string, bindings: Record<string, string>): Promise<Workerd> {
  return serve(dir, bindings, { workerd: WORKERD });
}
