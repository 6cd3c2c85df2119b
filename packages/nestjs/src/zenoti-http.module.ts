import { type DynamicModule, Module } from '@nestjs/common';
import type { ZenotiAuth } from '@zenoti-auth/core';
import axios from 'axios';
import { checkArgument, checkAsyncArgument, checkName } from './module-arguments.ts';
import { DEFAULT_ZENOTI_AUTH_NAME, getZenotiAuthToken } from './zenoti-auth.constants.ts';
import { getZenotiHttpServiceToken } from './zenoti-http.decorators.ts';
import type { ZenotiHttpModuleExtras } from './zenoti-http.interfaces.ts';
import {
  ZENOTI_HTTP_MODULE_OPTIONS,
  ZenotiHttpConfigurableModule,
  type ZenotiHttpModuleAsyncOptions,
  type ZenotiHttpModuleRegisterOptions,
} from './zenoti-http.module-definition.ts';
import { axiosDefaultsOf } from './zenoti-http.options.ts';
import { ZenotiHttpService } from './zenoti-http.service.ts';

/** The service of one configuration; its options are checked first (`axiosDefaultsOf`), failing start-up. */
function createService(auth: ZenotiAuth, options: unknown): ZenotiHttpService {
  const axiosConfig = axiosDefaultsOf(options, auth.baseUrl);
  // The very instance the service wraps is the one that gets the interceptor.
  return new ZenotiHttpService(axios.create({ ...axiosConfig, baseURL: auth.baseUrl }), auth);
}

function complete(definition: DynamicModule, extras: ZenotiHttpModuleExtras, async: boolean): DynamicModule {
  checkName('ZenotiHttpModule', extras.name);
  const name = extras.name ?? DEFAULT_ZENOTI_AUTH_NAME;
  const token = getZenotiHttpServiceToken(name);
  return {
    ...definition,
    // registerAsync() puts its `imports` on the definition already.
    imports: [...(definition.imports ?? []), ...(async ? [] : (extras.imports ?? []))],
    providers: [
      ...(definition.providers ?? []),
      {
        provide: token,
        useFactory: createService,
        inject: [getZenotiAuthToken(name), ZENOTI_HTTP_MODULE_OPTIONS],
      },
    ],
    exports: [token],
  };
}

/**
 * Provides a `ZenotiHttpService` (an `@nestjs/axios` `HttpService` that authenticates every call to
 * Zenoti) for a `ZenotiAuthModule` configuration. Needs `@nestjs/axios`, `axios` and
 * `@zenoti-auth/axios`; the configuration's `ZenotiAuth` must be visible: a global `ZenotiAuthModule`,
 * or one given in `imports`.
 *
 * @example
 * \@Module({ imports: [ZenotiAuthModule.forRoot({ isGlobal: true, apiKey }), ZenotiHttpModule.register()] })
 * export class AppModule {}
 * // then: constructor(private readonly http: ZenotiHttpService) {}
 * //       this.http.get('/v1/centers')
 */
export class ZenotiHttpModule extends ZenotiHttpConfigurableModule {
  static override register(options: ZenotiHttpModuleRegisterOptions = {}): DynamicModule {
    checkArgument('ZenotiHttpModule.register', options, ['imports']);
    // biome-ignore lint/complexity/noThisInStatic: `super` keeps `this` = this class, which becomes the definition's `module`.
    return complete(super.register(options), options, false);
  }

  static override registerAsync(options: ZenotiHttpModuleAsyncOptions): DynamicModule {
    checkAsyncArgument('ZenotiHttpModule.registerAsync', options, []);
    // biome-ignore lint/complexity/noThisInStatic: `super` keeps `this` = this class, which becomes the definition's `module`.
    return complete(super.registerAsync(options), options, true);
  }
}

// `@Module({})`, applied as a call (no decorator helpers in the bundle).
Module({})(ZenotiHttpModule);
