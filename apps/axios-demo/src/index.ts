// What other workspace apps (the root `pnpm demo` tour) import from this demo.
export { readTarget, type Target } from './env.ts';
export { type AxiosDemoOptions, run } from './run.ts';
