// The same demo as a Cloudflare Worker: configuration from the Worker's env (vars and secrets).
// Build: `pnpm --filter @zenoti-auth/hono-demo build:worker` → dist/worker.js.
import { type DurableObjectNamespaceLike, DurableObjectTokenStore } from '@zenoti-auth/cloudflare';
import type { ExecutionContext } from 'hono';
import { createDemoApp } from './app.ts';
import { configFromEnv, type DemoEnv } from './config.ts';

// The Durable Object that holds the guests' token sets for every isolate, when the worker binds it
// as ZENOTI_AUTH (wrangler.toml: see the README). Without the binding the demo runs as before, with
// each isolate's own memory store.
export { ZenotiAuthObject } from '@zenoti-auth/cloudflare';

interface WorkerEnv extends DemoEnv {
  ZENOTI_AUTH?: DurableObjectNamespaceLike;
}

let app: ReturnType<typeof createDemoApp> | undefined;

export default {
  fetch(request: Request, env: WorkerEnv, ctx: ExecutionContext): Response | Promise<Response> {
    // One app per isolate, built on the first request (env is not available before): its engines
    // and their token cache then serve every request of the isolate.
    app ??= createDemoApp({
      ...configFromEnv(env),
      // A guest signed in through one isolate is served by any other: their tokens live in the object.
      ...(env.ZENOTI_AUTH ? { store: new DurableObjectTokenStore({ namespace: env.ZENOTI_AUTH }) } : {}),
    });
    return app.fetch(request, env, ctx);
  },
};
