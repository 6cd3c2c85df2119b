// The cipher type is core's (`@zenoti-auth/core/encryption`), shared with every store that encrypts.
export type { TokenSetCipher } from '@zenoti-auth/core/encryption';
// For `@zenoti-auth/redis/rate-budget` only, which is built apart and imports the Redis connection
// layer from this entry instead of a copy of it: not a public API (no README, no stability promise).
export { sender } from './client.ts';
export { clientJSON, openLink } from './link.ts';
export type { RedisTokenStoreLock } from './lock.ts';
export type { IoRedisLike, NodeRedisLike, RedisClientLike, RedisTokenStoreOptions } from './options.ts';
export { CONNECTION_OPTION_RULES } from './options.ts';
export { RedisTokenStore } from './redis-token-store.ts';
