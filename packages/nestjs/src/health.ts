// `@zenoti-auth/nestjs/health`: the engine's health for @nestjs/terminus. An entry of its own, so
// that apps without terminus (an optional peer) never load it.
import { Inject, Injectable, Optional } from '@nestjs/common';
import { type HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { invalidOption, isZenotiAuth, type ZenotiAuth } from '@zenoti-auth/core';
import { healthOf } from '@zenoti-auth/core/health';
import { getZenotiAuthToken } from './zenoti-auth.constants.ts';

/** Options of `ZenotiHealthIndicator.isHealthy()`. */
export interface ZenotiHealthCheckOptions {
  /**
   * Make one call to Zenoti (`healthOf(engine, { probe: true })`). Each probe spends a call of the
   * organisation's rate limit: keep it off a check polled every few seconds. @default false
   */
  probe?: boolean | undefined;
  /** Another configuration's engine (`@InjectZenotiAuth('name')`). @default the default configuration's */
  auth?: ZenotiAuth | undefined;
}

/**
 * A terminus health indicator of the engine's health (`healthOf()`): `up` while it can serve calls (`ok` and
 * `degraded`), `down` (terminus answers 503) when it cannot. The result carries the engine's status
 * as `health` and its `checks`: no key, password, secret, token or principal. Add it to the
 * providers of a module that imports `TerminusModule`.
 *
 * @example
 * \@Get('health')
 * \@HealthCheck()
 * check() {
 *   return this.health.check([() => this.zenoti.isHealthy('zenoti')]);
 * }
 */
@Injectable()
export class ZenotiHealthIndicator {
  // Explicit tokens: tsx and esbuild emit no decorator metadata.
  constructor(
    @Inject(HealthIndicatorService) private readonly indicators: HealthIndicatorService,
    @Optional() @Inject(getZenotiAuthToken()) private readonly zenoti?: ZenotiAuth,
  ) {}

  /** The engine's health under `key` (`zenoti`: `{ status: 'up', health: 'ok', checks }`). */
  async isHealthy<const Key extends string = 'zenoti'>(
    key: Key = 'zenoti' as Key,
    options: ZenotiHealthCheckOptions = {},
  ): Promise<HealthIndicatorResult<Key>> {
    const engine = options.auth ?? this.zenoti;
    if (!isZenotiAuth(engine))
      throw invalidOption(
        'nestjs',
        'auth',
        options.auth === undefined
          ? 'is needed: no default ZenotiAuth is registered (ZenotiAuthModule.forRoot())'
          : 'must be a ZenotiAuth',
      );
    const health = await healthOf(engine, { probe: options.probe });
    const check = this.indicators.check(key);
    const details = { health: health.status, checks: health.checks };
    return health.ok ? check.up(details) : check.down(details);
  }
}
