export type { TokenSetCipher } from './codec.ts';
export type { RedisTokenStoreLock } from './lock.ts';
export type { IoRedisLike, NodeRedisLike, RedisClientLike, RedisTokenStoreOptions } from './options.ts';
export { RedisTokenStore } from './redis-token-store.ts';
