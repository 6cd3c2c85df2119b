import type { ModuleMetadata } from '@nestjs/common';
import type { CreateAxiosDefaults } from 'axios';

/** Options of `ZenotiHttpModule.register()` and the value a `registerAsync()` factory returns. */
export interface ZenotiHttpModuleOptions {
  /**
   * Defaults of the service's axios instance (`timeout`, `headers` …). `baseURL` is always the
   * engine's base URL: leave it out (another one fails start-up, `INVALID_OPTIONS`).
   * @default {}
   */
  axiosConfig?: CreateAxiosDefaults;
}

/** Options that shape the module; given beside the options, never by a factory. */
export interface ZenotiHttpModuleExtras {
  /**
   * The `ZenotiAuthModule` configuration whose credentials to send. A named service is injected
   * with `@InjectZenotiHttpService(name)`; the default one by the `ZenotiHttpService` class.
   * @default 'default'
   */
  name?: string;
  /**
   * Modules to import, e.g. a non-global `ZenotiAuthModule.forRoot(...)` whose `ZenotiAuth` this
   * module needs. Not needed when `ZenotiAuthModule` is global.
   * @default []
   */
  imports?: ModuleMetadata['imports'];
}

/** A class that `registerAsync({ useClass })` / `({ useExisting })` can use. */
export interface ZenotiHttpOptionsFactory {
  createZenotiHttpOptions(): ZenotiHttpModuleOptions | Promise<ZenotiHttpModuleOptions>;
}
