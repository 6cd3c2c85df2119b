// The same demo as a Cloudflare Worker: configuration from the Worker's env (vars and secrets).
// Build: `pnpm --filter @zenoti-auth/hono-demo build:worker` → dist/worker.js.
import type { ExecutionContext } from 'hono';
import { createDemoApp } from './app.ts';
import { configFromEnv, type DemoEnv } from './config.ts';

let app: ReturnType<typeof createDemoApp> | undefined;

export default {
  fetch(request: Request, env: DemoEnv, ctx: ExecutionContext): Response | Promise<Response> {
    // One app per isolate, built on the first request (env is not available before): its engines
    // and their token cache then serve every request of the isolate.
    app ??= createDemoApp(configFromEnv(env));
    return app.fetch(request, env, ctx);
  },
};
