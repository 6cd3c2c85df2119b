import type { Provider } from '@nestjs/common';
import type { ZenotiAuthOptions } from '@zenoti-auth/core';
import type { ZenotiAuthLogSelection } from './zenoti-auth.log-selection.ts';

/** What `ZenotiAuthModule` adds to core's options. */
export interface ZenotiAuthModuleSettings {
  /**
   * On application shutdown, revoke the app's own (service user) token at Zenoti
   * (`DELETE /v1/tokens/sessions/revoke`) and forget it. Only for `app` + `user` credentials;
   * ignored for API keys. Other processes sharing the token will mint a new one.
   * @default false
   */
  revokeOnShutdown?: boolean;
  /**
   * Log the engine's events with Nest's `Logger` under the context `ZenotiAuth` (`ZenotiAuth:<name>`
   * for a named configuration): `true` for every line, or a list of event types and Nest log
   * levels, each selecting the lines of that type or at that level, e.g. `['token', 'error']`
   * (tokens obtained and failures) or `['warn']` (every line at WARN).
   *
   * Levels: tokens obtained and dropped (`token`, `invalidated`) at LOG; failures (`error`) and a
   * password about to expire (`passwordExpiring`) at WARN; `rateLimit`: Zenoti's report on every
   * call and waits for a permit at DEBUG, a 429 at LOG while it is waited out and at WARN when it
   * fails the call. Events never carry a secret. The listeners are removed on shutdown.
   *
   * Warnings (`warning`: a token store or rate budget that fails, a token not renewed; at WARN, and
   * at LOG when the trouble is over) are always written, whatever this says, and never to the
   * console: Nest's own log levels filter them. A store's warnings go there too (unless you gave
   * the store an `onWarning`), once however many configurations share the store.
   * @default false (warnings only)
   */
  logEvents?: ZenotiAuthLogSelection;
}

/**
 * Options of `ZenotiAuthModule.forRoot()` and the value a `forRootAsync()` factory returns:
 * core's `ZenotiAuthOptions` (credentials, `baseUrl`, `store` …) plus the module's settings.
 */
export type ZenotiAuthModuleOptions = ZenotiAuthOptions & ZenotiAuthModuleSettings;

/** Options that shape the module itself rather than the engine; given beside the options, never by a factory. */
export interface ZenotiAuthModuleExtras {
  /**
   * Register the module globally: `ZenotiAuth` is injectable everywhere without importing the module.
   * @default false
   */
  isGlobal?: boolean;
  /**
   * Name of this configuration, for several in one app (e.g. two Zenoti organisations).
   * Inject a named one with `@InjectZenotiAuth(name)`. `'default'` is the same as none.
   * @default 'default' (injected as the `ZenotiAuth` class)
   */
  name?: string;
  /** More providers for the module, e.g. those a `useFactory` injects. @default [] */
  extraProviders?: Provider[];
}

/** A class that `forRootAsync({ useClass })` / `({ useExisting })` can use to build the options. */
export interface ZenotiAuthOptionsFactory {
  createZenotiAuthOptions(): ZenotiAuthModuleOptions | Promise<ZenotiAuthModuleOptions>;
}
