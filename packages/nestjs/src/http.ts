export { getZenotiHttpServiceToken, InjectZenotiHttpService } from './zenoti-http.decorators.ts';
export type {
  ZenotiHttpModuleExtras,
  ZenotiHttpModuleOptions,
  ZenotiHttpOptionsFactory,
} from './zenoti-http.interfaces.ts';
export { ZenotiHttpModule } from './zenoti-http.module.ts';
export {
  ZENOTI_HTTP_MODULE_OPTIONS,
  type ZenotiHttpModuleAsyncOptions,
  type ZenotiHttpModuleRegisterOptions,
} from './zenoti-http.module-definition.ts';
export { ZenotiHttpService } from './zenoti-http.service.ts';
