export { DEFAULT_ZENOTI_AUTH_NAME, getZenotiAuthToken } from './zenoti-auth.constants.ts';
export { InjectZenotiAuth } from './zenoti-auth.decorators.ts';
export type {
  ZenotiAuthModuleExtras,
  ZenotiAuthModuleOptions,
  ZenotiAuthModuleSettings,
  ZenotiAuthOptionsFactory,
} from './zenoti-auth.interfaces.ts';
export type { ZenotiAuthLogEntry, ZenotiAuthLogSelection } from './zenoti-auth.log-selection.ts';
export { ZenotiAuthModule } from './zenoti-auth.module.ts';
export {
  ZENOTI_AUTH_MODULE_OPTIONS,
  type ZenotiAuthModuleAsyncOptions,
  type ZenotiAuthModuleRootOptions,
} from './zenoti-auth.module-definition.ts';
