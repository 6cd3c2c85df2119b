export type { TokenSetCipher } from './codec.ts';
export type { IoRedisLike, NodeRedisLike, RedisClientLike, RedisTokenStoreOptions } from './options.ts';
export { RedisTokenStore, type RedisTokenStoreLock } from './redis-token-store.ts';
