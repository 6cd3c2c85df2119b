import { MemoryTokenStore } from '@zenoti-auth/core';
import { encryption } from '../src/encryption.ts';
import { storeContract } from './contract.ts';
import { ioredis, nodeRedis, redisStore, uniquePrefix } from './support.ts';

const ENCRYPTION_KEY = 'contract-test encryption key, 32+ characters long';

storeContract('MemoryTokenStore', async () => new MemoryTokenStore(), { lock: false, guards: false });

storeContract(
  'RedisTokenStore (ioredis)',
  async () => redisStore({ client: ioredis(), prefix: uniquePrefix() }).store,
  { lock: true, guards: true },
);

storeContract(
  'RedisTokenStore (node-redis)',
  async () => redisStore({ client: await nodeRedis(), prefix: uniquePrefix() }).store,
  { lock: true, guards: true },
);

storeContract(
  'RedisTokenStore (ioredis, encrypted)',
  async () =>
    redisStore({ client: ioredis(), prefix: uniquePrefix(), encryption: encryption(ENCRYPTION_KEY) }).store,
  { lock: true, guards: true },
);

storeContract(
  'RedisTokenStore (node-redis, encrypted with 32 raw bytes)',
  async () =>
    redisStore({
      client: await nodeRedis(),
      prefix: uniquePrefix(),
      encryption: encryption(crypto.getRandomValues(new Uint8Array(32))),
    }).store,
  { lock: true, guards: true },
);
