import { once } from 'node:events';
import {
  type DynamicModule,
  Inject,
  Injectable,
  Module,
  type OnApplicationShutdown,
  type Provider,
} from '@nestjs/common';
import { RedisTokenStore } from '@zenoti-auth/redis';
import { RedisRateBudget } from '@zenoti-auth/redis/rate-budget';
import { Redis } from 'ioredis';

/** The injection token of the Redis client (an ioredis instance) the store and budget share. */
export const REDIS = 'REDIS';

/** What `RedisModule.register()` needs. */
export interface RedisSettings {
  /** e.g. `redis://127.0.0.1:6379`. */
  url: string;
  /** Put before every key: the processes with the same prefix share one token and one budget. */
  prefix: string;
}

/**
 * Closes what the module opened when Nest shuts down (`app.close()`, or a signal after
 * `app.enableShutdownHooks()`): the store's own connection (it listens for lock releases on a
 * `duplicate()` of the client), the budget's listeners on the client, then the client itself,
 * which the store and budget never close (they close only a client they opened from a URL).
 */
@Injectable()
export class RedisShutdown implements OnApplicationShutdown {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(RedisTokenStore) private readonly store: RedisTokenStore,
    @Inject(RedisRateBudget) private readonly budget: RedisRateBudget,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
    await this.budget.close();
    if (this.redis.status === 'end') return;
    // quit() resolves on Redis' answer; the connection ends just after ('end').
    const ended = once(this.redis, 'end');
    await this.redis.quit().catch(() => this.redis.disconnect()); // quit fails on a broken connection
    await ended;
  }
}

/**
 * The fleet's Redis for the demo: one ioredis client, and the `RedisTokenStore` and `RedisRateBudget`
 * made from it, injectable by their classes. Global, and imported before `ZenotiAuthModule`: Nest
 * runs `onApplicationShutdown` module by module, global modules last and the first imported of them
 * last of all, so the engine (which may revoke its token through the store, `revokeOnShutdown`)
 * shuts down before the store and the client close.
 */
@Module({})
// biome-ignore lint/complexity/noStaticOnlyClass: a Nest module class with a static register(), as Nest expects.
export class RedisModule {
  static register({ url, prefix }: RedisSettings): DynamicModule {
    const providers: Provider[] = [
      // The name shows the demo's connections in Redis' CLIENT LIST (the store's duplicate too).
      { provide: REDIS, useFactory: () => new Redis(url, { connectionName: `nest-demo:${prefix}` }) },
      {
        provide: RedisTokenStore,
        inject: [REDIS],
        useFactory: (redis: Redis) => new RedisTokenStore({ client: redis, prefix }),
      },
      {
        provide: RedisRateBudget,
        inject: [REDIS],
        useFactory: (redis: Redis) => new RedisRateBudget({ client: redis, prefix }),
      },
      RedisShutdown,
    ];
    return {
      module: RedisModule,
      global: true,
      providers,
      exports: [REDIS, RedisTokenStore, RedisRateBudget],
    };
  }
}
