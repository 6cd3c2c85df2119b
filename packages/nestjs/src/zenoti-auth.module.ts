import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import { ZenotiAuth, ZenotiAuthError, type ZenotiAuthOptions } from '@zenoti-auth/core';
import {
  DEFAULT_ZENOTI_AUTH_NAME,
  getLifecycleToken,
  getZenotiAuthToken,
  isDefaultName,
} from './zenoti-auth.constants.ts';
import type { ZenotiAuthModuleExtras, ZenotiAuthModuleOptions } from './zenoti-auth.interfaces.ts';
import { type LifecycleSettings, ZenotiAuthLifecycle } from './zenoti-auth.lifecycle.ts';
import {
  ZENOTI_AUTH_MODULE_OPTIONS,
  ZenotiAuthConfigurableModule,
  type ZenotiAuthModuleAsyncOptions,
  type ZenotiAuthModuleRootOptions,
} from './zenoti-auth.module-definition.ts';

const SETTINGS = ['revokeOnShutdown', 'logEvents'] as const;

function invalid(field: string, problem: string): ZenotiAuthError {
  return new ZenotiAuthError('INVALID_OPTIONS', `ZenotiAuthModule: option "${field}" ${problem}`, { field });
}

/** Splits the module's settings from core's options; core validates the rest (and names the field). */
function split(options: unknown): { engine: ZenotiAuthOptions; settings: LifecycleSettings } {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    // Let core produce its usual error, naming "options".
    return { engine: options as ZenotiAuthOptions, settings: { hasServiceUser: false } };
  }
  const { revokeOnShutdown, logEvents, ...engine } = options as ZenotiAuthModuleOptions;
  const given = { revokeOnShutdown, logEvents };
  for (const field of SETTINGS) {
    if (given[field] !== undefined && typeof given[field] !== 'boolean') {
      throw invalid(field, 'must be true or false.');
    }
  }
  const settings: LifecycleSettings = {
    hasServiceUser: engine.user !== undefined && engine.apiKey === undefined,
  };
  if (revokeOnShutdown !== undefined) settings.revokeOnShutdown = revokeOnShutdown;
  if (logEvents !== undefined) settings.logEvents = logEvents;
  return { engine: engine as ZenotiAuthOptions, settings };
}

function checkName(name: unknown): string {
  if (name === undefined) return DEFAULT_ZENOTI_AUTH_NAME;
  if (typeof name !== 'string' || name.trim() === '' || name !== name.trim()) {
    throw invalid('name', 'must be a non-empty string without surrounding whitespace.');
  }
  return name;
}

/** Adds the engine, its lifecycle, the exports and `global` to a definition from the builder. */
function complete(definition: DynamicModule, extras: ZenotiAuthModuleExtras): DynamicModule {
  const name = checkName(extras.name);
  const token = getZenotiAuthToken(name);
  const context = isDefaultName(name) ? 'ZenotiAuth' : `ZenotiAuth:${name}`;
  const providers: Provider[] = [
    ...(definition.providers ?? []),
    ...(extras.extraProviders ?? []),
    {
      // Built while the module initialises, so invalid options fail compile()/init(), naming the field.
      provide: token,
      useFactory: (options: unknown): ZenotiAuth => new ZenotiAuth(split(options).engine),
      inject: [ZENOTI_AUTH_MODULE_OPTIONS],
    },
    {
      provide: getLifecycleToken(name),
      useFactory: (auth: ZenotiAuth, options: unknown): ZenotiAuthLifecycle =>
        new ZenotiAuthLifecycle(auth, split(options).settings, context),
      inject: [token, ZENOTI_AUTH_MODULE_OPTIONS],
    },
  ];
  return {
    ...definition,
    providers,
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
@Module({})
export class ZenotiAuthModule extends ZenotiAuthConfigurableModule {
  /** Registers a configuration from options known at start-up. */
  static override forRoot(options: ZenotiAuthModuleRootOptions): DynamicModule {
    // biome-ignore lint/complexity/noThisInStatic: `super` keeps `this` = this class, which becomes the definition's `module`.
    return complete(super.forRoot(options), options);
  }

  /** Registers a configuration whose options come from a factory (`useFactory` / `useClass` / `useExisting`). */
  static override forRootAsync(options: ZenotiAuthModuleAsyncOptions): DynamicModule {
    // biome-ignore lint/complexity/noThisInStatic: `super` keeps `this` = this class, which becomes the definition's `module`.
    return complete(super.forRootAsync(options), options);
  }
}
