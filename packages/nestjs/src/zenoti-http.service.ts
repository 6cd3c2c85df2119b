import { HttpService } from '@nestjs/axios';
import type { OnApplicationShutdown } from '@nestjs/common';
import { zenotiAuthInterceptor } from '@zenoti-auth/axios';
import type { ZenotiAuth } from '@zenoti-auth/core';
import type { AxiosInstance } from 'axios';
import { markZenotiHttpError } from './zenoti-http.mark.ts';

/**
 * `@nestjs/axios`'s `HttpService` for Zenoti: its axios instance (`axiosRef`) has `baseURL` set to the
 * engine's base URL and `@zenoti-auth/axios`'s interceptor installed, so every call is authenticated,
 * retried once after a 401 and redacted on error; with a rate budget (`rateLimit.budget` of the
 * `ZenotiAuthModule` options) every call waits for its permit first. Per call:
 * `{ zenoti: { principal } }` or `{ zenoti: { skip: true } }`. Its errors are marked as its own, so that
 * `ZenotiAuthExceptionFilter` answers a Zenoti 404 with 404 (and leaves other axios errors alone).
 * The interceptors are removed on application shutdown.
 *
 * Provided by `ZenotiHttpModule.register()`; inject it by class, or with `@InjectZenotiHttpService(name)`.
 */
export class ZenotiHttpService extends HttpService implements OnApplicationShutdown {
  /** The engine whose credentials this service sends. */
  readonly zenoti: ZenotiAuth;
  readonly #eject: () => void;
  readonly #markId: number;

  /** Sets `instance.defaults.baseURL` to the engine's base URL and installs the interceptors on `instance`. */
  constructor(instance: AxiosInstance, auth: ZenotiAuth) {
    super(instance);
    instance.defaults.baseURL = auth.baseUrl;
    this.zenoti = auth;
    this.#eject = zenotiAuthInterceptor(instance, auth);
    // Installed after zenoti-auth's, so it sees the error that one passes on (redacted, after any retry).
    this.#markId = instance.interceptors.response.use(undefined, (error: unknown) => {
      markZenotiHttpError(error);
      throw error;
    });
  }

  /** Removes the interceptors from the axios instance. */
  onApplicationShutdown(): void {
    this.#eject();
    this.axiosRef.interceptors.response.eject(this.#markId);
  }
}
