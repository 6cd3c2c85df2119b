import { MemoryTokenStore } from '@zenoti-auth/core';
import { encryption } from '../src/encryption.ts';
import { storeContract } from './contract.ts';
import { IOREDIS_MAJORS, ioredis, nodeRedis, REDIS_PORT, redisStore, uniquePrefix } from './support.ts';

const ENCRYPTION_KEY = 'contract-test encryption key, 32+ characters long';

storeContract('MemoryTokenStore', async () => new MemoryTokenStore(), { lock: false, guards: false });

// Every ioredis major of the peer range (^5 || ^6), plain and encrypted.
for (const [major, Client] of IOREDIS_MAJORS) {
  storeContract(
    `RedisTokenStore (${major})`,
    async () => redisStore({ client: ioredis(REDIS_PORT, {}, Client), prefix: uniquePrefix() }).store,
    { lock: true, guards: true },
  );

  storeContract(
    `RedisTokenStore (${major}, encrypted)`,
    async () =>
      redisStore({
        client: ioredis(REDIS_PORT, {}, Client),
        prefix: uniquePrefix(),
        encryption: encryption(ENCRYPTION_KEY),
      }).store,
    { lock: true, guards: true },
  );
}

storeContract(
  'RedisTokenStore (node-redis)',
  async () => redisStore({ client: await nodeRedis(), prefix: uniquePrefix() }).store,
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
