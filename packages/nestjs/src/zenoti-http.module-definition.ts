import { ConfigurableModuleBuilder } from '@nestjs/common';
import { DEFAULT_ZENOTI_AUTH_NAME } from './zenoti-auth.constants.ts';
import type { ZenotiHttpModuleExtras, ZenotiHttpModuleOptions } from './zenoti-http.interfaces.ts';

/** `register` / `registerAsync` scaffolding; `ZenotiHttpModule` completes the definitions itself. */
export const {
  ConfigurableModuleClass: ZenotiHttpConfigurableModule,
  MODULE_OPTIONS_TOKEN: ZENOTI_HTTP_MODULE_OPTIONS,
  OPTIONS_TYPE: ZENOTI_HTTP_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: ZENOTI_HTTP_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<ZenotiHttpModuleOptions>({ moduleName: 'ZenotiHttp' })
  .setClassMethodName('register')
  .setFactoryMethodName('createZenotiHttpOptions')
  .setExtras<ZenotiHttpModuleExtras>(
    { name: DEFAULT_ZENOTI_AUTH_NAME, imports: [] },
    (definition) => definition,
  )
  .build();

/** The argument of `ZenotiHttpModule.register()`. */
export type ZenotiHttpModuleRegisterOptions = typeof ZENOTI_HTTP_OPTIONS_TYPE;
/** The argument of `ZenotiHttpModule.registerAsync()`. */
export type ZenotiHttpModuleAsyncOptions = typeof ZENOTI_HTTP_ASYNC_OPTIONS_TYPE;
