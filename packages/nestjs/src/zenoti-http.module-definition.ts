import { ConfigurableModuleBuilder } from '@nestjs/common';
import { DEFAULT_ZENOTI_AUTH_NAME } from './zenoti-auth.constants.ts';
import type { ZenotiHttpModuleExtras, ZenotiHttpModuleOptions } from './zenoti-http.interfaces.ts';

/** `register` / `registerAsync` scaffolding; `ZenotiHttpModule` completes the definitions itself. */
const builder = new ConfigurableModuleBuilder<ZenotiHttpModuleOptions>({ moduleName: 'ZenotiHttp' })
  .setClassMethodName('register')
  .setFactoryMethodName('createZenotiHttpOptions')
  .setExtras<ZenotiHttpModuleExtras>(
    { name: DEFAULT_ZENOTI_AUTH_NAME, imports: [] },
    (definition) => definition,
  );
type Built = ReturnType<typeof builder.build>;

export const {
  ConfigurableModuleClass: ZenotiHttpConfigurableModule,
  MODULE_OPTIONS_TOKEN: ZENOTI_HTTP_MODULE_OPTIONS,
}: Built = builder.build();

/** The argument of `ZenotiHttpModule.register()`. */
export type ZenotiHttpModuleRegisterOptions = Built['OPTIONS_TYPE'];
/** The argument of `ZenotiHttpModule.registerAsync()`. */
export type ZenotiHttpModuleAsyncOptions = Built['ASYNC_OPTIONS_TYPE'];
