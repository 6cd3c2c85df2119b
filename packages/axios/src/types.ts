import type { ZenotiAuth, ZenotiAuthOptions } from '@zenoti-auth/core';

/** A ready engine, or the options to build one (`new ZenotiAuth(options)`). */
export type ZenotiAuthOrOptions = ZenotiAuth | ZenotiAuthOptions;

/** Per-request zenoti-auth settings: `api.get(url, { zenoti: { principal } })`. */
export interface ZenotiRequestConfig {
  /** Use this end user's token: a principal returned by `ZenotiAuth.login()`. @default the app's own credential */
  principal?: string | undefined;
  /** Send no Zenoti credential on this request. @default false */
  skip?: boolean | undefined;
  /**
   * `true` on the one retry the interceptor makes after a 401; that retry is never retried again.
   * Set it yourself to turn the retry off for a request. @default false
   */
  retried?: boolean | undefined;
}

declare module 'axios' {
  interface AxiosRequestConfig {
    /** zenoti-auth settings for this request (`@zenoti-auth/axios`). */
    zenoti?: ZenotiRequestConfig | undefined;
  }
}
