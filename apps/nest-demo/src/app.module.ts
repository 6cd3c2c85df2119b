import { type DynamicModule, Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { TerminusModule } from '@nestjs/terminus';
import { ZenotiAuthModule } from '@zenoti-auth/nestjs';
import { ZenotiHealthIndicator } from '@zenoti-auth/nestjs/health';
import { ZenotiHttpModule } from '@zenoti-auth/nestjs/http';
import { RedisTokenStore } from '@zenoti-auth/redis';
import { RedisRateBudget } from '@zenoti-auth/redis/rate-budget';
import { type NestDemoConfig, zenotiOptionsFrom } from './config.ts';
import { HealthController } from './health.controller.ts';
import { RedisModule } from './redis.module.ts';
import { DEMO_CLOCK, TokenStatusService } from './token-status.service.ts';
import { ZenotiController } from './zenoti.controller.ts';

/** The demo's root module, built from a config so tests can run several side by side. */
@Module({})
// biome-ignore lint/complexity/noStaticOnlyClass: a Nest module class with a static register(), as Nest expects.
export class AppModule {
  static register(config: NestDemoConfig): DynamicModule {
    // With REDIS_URL, a fleet: the token and the rate budget are shared in Redis (see redis.module.ts).
    const url = config.env.REDIS_URL || undefined;
    const redis = url && RedisModule.register({ url, prefix: config.env.REDIS_PREFIX || 'zenoti-auth:' });
    return {
      module: AppModule,
      imports: [
        // Settings come only from `config.env` (main.ts passes process.env), never from a .env file.
        ConfigModule.forRoot({
          ignoreEnvFile: true,
          skipProcessEnv: true,
          load: [() => ({ ...config.env })],
        }),
        // Before ZenotiAuthModule, so that it closes after the engine has shut down.
        ...(redis ? [redis] : []),
        ZenotiAuthModule.forRootAsync({
          isGlobal: true,
          imports: [ConfigModule],
          inject: redis ? [ConfigService, RedisTokenStore, RedisRateBudget] : [ConfigService],
          useFactory: (configService: ConfigService, store?: RedisTokenStore, budget?: RedisRateBudget) =>
            zenotiOptionsFrom(configService, {
              ...(store && budget ? { store, rateLimit: { budget } } : {}),
              ...config.zenoti,
            }),
        }),
        ZenotiHttpModule.register({ axiosConfig: { timeout: 15_000 } }),
        // GET /health (HealthController): terminus logs a failed check through Nest's logger.
        TerminusModule.forRoot(),
      ],
      controllers: [ZenotiController, HealthController],
      providers: [
        TokenStatusService,
        ZenotiHealthIndicator,
        { provide: DEMO_CLOCK, useValue: config.zenoti?.now ?? Date.now },
      ],
    };
  }
}
