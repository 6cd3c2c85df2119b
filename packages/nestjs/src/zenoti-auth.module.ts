import { type DynamicModule, Module } from '@nestjs/common';
import { ZenotiAuth } from '@zenoti-auth/core';
import { checkArgument, checkAsyncArgument, checkName } from './module-arguments.ts';
import {
  claimConfigurationName,
  ZENOTI_AUTH_CONFIGURATIONS,
  ZenotiAuthConfigurationsModule,
} from './zenoti-auth.configurations.ts';
import { DEFAULT_ZENOTI_AUTH_NAME, getZenotiAuthToken } from './zenoti-auth.constants.ts';
import { engineOptions } from './zenoti-auth.engine-options.ts';
import type { ZenotiAuthModuleExtras, ZenotiAuthModuleSettings } from './zenoti-auth.interfaces.ts';
import { zenotiAuthLifecycle } from './zenoti-auth.lifecycle.ts';
import {
  ZENOTI_AUTH_MODULE_OPTIONS,
  ZenotiAuthConfigurableModule,
  type ZenotiAuthModuleAsyncOptions,
  type ZenotiAuthModuleRootOptions,
} from './zenoti-auth.module-definition.ts';
import { withWarningLog } from './zenoti-auth.warning-log.ts';

/** Adds the engine, its lifecycle, the exports and `global` to a definition from the builder. */
function complete(definition: DynamicModule, extras: ZenotiAuthModuleExtras): DynamicModule {
  checkName('ZenotiAuthModule', extras.name);
  const name = extras.name ?? DEFAULT_ZENOTI_AUTH_NAME;
  const token = getZenotiAuthToken(name);
  // Log lines of a named configuration carry its token, `ZenotiAuth:<name>`, as their context.
  const context = typeof token === 'string' ? token : 'ZenotiAuth';
  return {
    ...definition,
    // One set of configuration names per app: a second configuration of a name fails start-up.
    imports: [...(definition.imports ?? []), ZenotiAuthConfigurationsModule],
    providers: [
      ...(definition.providers ?? []),
      ...(extras.extraProviders ?? []),
      {
        // Built while the module initialises, so invalid options (and a second configuration of
        // this name) fail compile()/init(), naming the field.
        provide: token,
        useFactory: (options: unknown, names: Set<string>): ZenotiAuth => {
          claimConfigurationName(names, name);
          return new ZenotiAuth(withWarningLog(engineOptions(options), context));
        },
        inject: [ZENOTI_AUTH_MODULE_OPTIONS, ZENOTI_AUTH_CONFIGURATIONS],
      },
      {
        // Undoes, on shutdown, what this configuration set up. Built after the engine, whose factory
        // has checked the settings.
        provide: `ZenotiAuthLifecycle:${name}`,
        useFactory: (auth: ZenotiAuth, settings: ZenotiAuthModuleSettings) =>
          zenotiAuthLifecycle(auth, settings, context),
        inject: [token, ZENOTI_AUTH_MODULE_OPTIONS],
      },
    ],
    exports: [...(definition.exports ?? []), token],
    global: extras.isGlobal === true,
  };
}

/**
 * The Zenoti credential engine as a Nest module: one `ZenotiAuth` per configuration, built at start-up
 * (invalid options fail `app.init()` with the field named), injectable as the `ZenotiAuth` class or,
 * for a named configuration, with `@InjectZenotiAuth(name)`.
 *
 * @example
 * \@Module({
 *   imports: [
 *     ZenotiAuthModule.forRootAsync({
 *       isGlobal: true,
 *       imports: [ConfigModule],
 *       inject: [ConfigService],
 *       useFactory: (config: ConfigService) => ({ apiKey: config.getOrThrow('ZENOTI_API_KEY') }),
 *     }),
 *   ],
 * })
 * export class AppModule {}
 */
export class ZenotiAuthModule extends ZenotiAuthConfigurableModule {
  /** Registers a configuration from options known at start-up. */
  static override forRoot(options: ZenotiAuthModuleRootOptions): DynamicModule {
    checkArgument('ZenotiAuthModule.forRoot', options, ['extraProviders']);
    // biome-ignore lint/complexity/noThisInStatic: `super` keeps `this` = this class, which becomes the definition's `module`.
    return complete(super.forRoot(options), options);
  }

  /** Registers a configuration whose options come from a factory (`useFactory` / `useClass` / `useExisting`). */
  static override forRootAsync(options: ZenotiAuthModuleAsyncOptions): DynamicModule {
    checkAsyncArgument('ZenotiAuthModule.forRootAsync', options, ['extraProviders']);
    // biome-ignore lint/complexity/noThisInStatic: `super` keeps `this` = this class, which becomes the definition's `module`.
    return complete(super.forRootAsync(options), options);
  }
}

// `@Module({})`, applied as a call (no decorator helpers in the bundle).
Module({})(ZenotiAuthModule);
