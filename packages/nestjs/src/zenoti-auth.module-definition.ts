import { ConfigurableModuleBuilder } from '@nestjs/common';
import { DEFAULT_ZENOTI_AUTH_NAME } from './zenoti-auth.constants.ts';
import type { ZenotiAuthModuleExtras, ZenotiAuthModuleOptions } from './zenoti-auth.interfaces.ts';

/**
 * `forRoot` / `forRootAsync` scaffolding from Nest's `ConfigurableModuleBuilder`. `ZenotiAuthModule`
 * extends the class and completes both definitions itself (providers, exports, `global`), because the
 * builder's extras are not applied the same way by every Nest version in the async variant.
 */
const builder = new ConfigurableModuleBuilder<ZenotiAuthModuleOptions>({ moduleName: 'ZenotiAuth' })
  .setClassMethodName('forRoot')
  .setFactoryMethodName('createZenotiAuthOptions')
  // `ZenotiAuthModule` applies the extras (and `global`) itself.
  .setExtras<ZenotiAuthModuleExtras>(
    { isGlobal: false, name: DEFAULT_ZENOTI_AUTH_NAME, extraProviders: [] },
    (definition) => definition,
  );
type Built = ReturnType<typeof builder.build>;

export const {
  ConfigurableModuleClass: ZenotiAuthConfigurableModule,
  MODULE_OPTIONS_TOKEN: ZENOTI_AUTH_MODULE_OPTIONS,
}: Built = builder.build();

/** The argument of `ZenotiAuthModule.forRoot()`. */
export type ZenotiAuthModuleRootOptions = Built['OPTIONS_TYPE'];
/** The argument of `ZenotiAuthModule.forRootAsync()`. */
export type ZenotiAuthModuleAsyncOptions = Built['ASYNC_OPTIONS_TYPE'];
