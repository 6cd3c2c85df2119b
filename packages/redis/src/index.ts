// The cipher type is core's (`@zenoti-auth/core/encryption`), shared with every store that encrypts.
export type { TokenSetCipher } from '@zenoti-auth/core/encryption';
export type { RedisTokenStoreLock } from './lock.ts';
export type { IoRedisLike, NodeRedisLike, RedisClientLike, RedisTokenStoreOptions } from './options.ts';
export { RedisTokenStore } from './redis-token-store.ts';
