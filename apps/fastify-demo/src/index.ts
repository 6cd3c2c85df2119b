// What other workspace apps (the root `pnpm demo` tour) import from this demo.
export { createDemoApp, PROXY_ALLOW } from './app.ts';
export { configFromEnv, type DemoConfig, type DemoEnv } from './config.ts';
export { type FastifyWalkOptions, run } from './walk.ts';
