import { HttpService } from '@nestjs/axios';
import type { OnApplicationShutdown } from '@nestjs/common';
import { zenotiAuthInterceptor } from '@zenoti-auth/axios';
import type { ZenotiAuth } from '@zenoti-auth/core';
import type { AxiosInstance } from 'axios';

/**
 * `@nestjs/axios`'s `HttpService` for Zenoti: its axios instance (`axiosRef`) has `baseURL` set to the
 * engine's base URL and `@zenoti-auth/axios`'s interceptor installed, so every call is authenticated,
 * retried once after a 401 and redacted on error; with a rate budget (`rateLimit.budget` of the
 * `ZenotiAuthModule` options) every call waits for its permit first. Per call:
 * `{ zenoti: { principal } }` or `{ zenoti: { skip: true } }`. The interceptor is removed on
 * application shutdown.
 *
 * Provided by `ZenotiHttpModule.register()`; inject it by class, or with `@InjectZenotiHttpService(name)`.
 */
export class ZenotiHttpService extends HttpService implements OnApplicationShutdown {
  /** The engine whose credentials this service sends. */
  readonly zenoti: ZenotiAuth;
  readonly #eject: () => void;

  /** Sets `instance.defaults.baseURL` to the engine's base URL and installs the interceptor on `instance`. */
  constructor(instance: AxiosInstance, auth: ZenotiAuth) {
    super(instance);
    instance.defaults.baseURL = auth.baseUrl;
    this.zenoti = auth;
    this.#eject = zenotiAuthInterceptor(instance, auth);
  }

  /** Removes the interceptor from the axios instance. */
  onApplicationShutdown(): void {
    this.#eject();
  }
}
