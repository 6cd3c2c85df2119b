export { createMockZenotiApp } from './app.ts';
export { DEMO_CREDENTIALS, DEMO_SEED } from './demo-seed.ts';
export { parseDuration } from './duration.ts';
export type * from './live-types.ts';
export { LOCKED_MESSAGE } from './lockout.ts';
export { type RunningMockZenoti, startMockZenoti } from './server.ts';
export type * from './types.ts';
