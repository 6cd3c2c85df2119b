// What other workspace apps (the root `pnpm demo` tour) import from this demo.
export { createNestDemo, type NestDemo, type NestDemoConfig, type NestDemoEnv } from './demo.ts';
export { type NestWalkOptions, run } from './walk.ts';
