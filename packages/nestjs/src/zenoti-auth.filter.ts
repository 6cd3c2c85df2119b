import { type ArgumentsHost, Catch, type ExceptionFilter, Inject, Logger, Optional } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { ZenotiAuthException, zenotiAuthErrorOf } from './zenoti-auth.exception.ts';

/**
 * Matches what the filter handles without importing axios (an optional peer): a `ZenotiAuthError`,
 * or any error whose `cause` is one — the `AxiosError` that `@zenoti-auth/axios` and
 * `ZenotiHttpService` reject with. Nest's `@Catch()` tests exceptions with `instanceof`.
 */
// biome-ignore lint/complexity/noStaticOnlyClass: @Catch() takes classes; this one only answers `instanceof`.
class ZenotiAuthFailure {
  static [Symbol.hasInstance](value: unknown): boolean {
    return zenotiAuthErrorOf(value) !== undefined;
  }
}

/** The few response methods the fallback uses (Express and Fastify both have them). */
interface BareResponse {
  status?(code: number): BareResponse;
  header?(name: string, value: string): unknown;
  send?(body: unknown): unknown;
}

/**
 * Optional exception filter: answers a `ZenotiAuthError` (thrown by `zenoti.fetch()`, `authorization()`
 * …) or an `AxiosError` caused by one (`ZenotiHttpService`) with the `ZenotiAuthException` response —
 * the status from `ZENOTI_AUTH_ERROR_STATUS`, a fixed message, the core code, `Retry-After` on 429.
 * Nothing from the original error (message, cause, request config) reaches the client.
 *
 * Register it with `app.useGlobalFilters(new ZenotiAuthExceptionFilter(app.get(HttpAdapterHost)))`,
 * as an `APP_FILTER` provider, or with `@UseFilters(ZenotiAuthExceptionFilter)`. Outside HTTP it
 * returns the `ZenotiAuthException` (GraphQL's convention) instead of writing a response.
 */
export class ZenotiAuthExceptionFilter implements ExceptionFilter {
  readonly #adapterHost: HttpAdapterHost | undefined;
  readonly #logger = new Logger('ZenotiAuth');

  /** Nest injects `adapterHost` (it is `@Optional() @Inject(HttpAdapterHost)`, see below). */
  constructor(adapterHost?: HttpAdapterHost) {
    this.#adapterHost = adapterHost;
  }

  catch(exception: unknown, host: ArgumentsHost): unknown {
    const error = zenotiAuthErrorOf(exception);
    if (error === undefined) throw exception;
    const httpException = new ZenotiAuthException(error);
    const status = httpException.getStatus();
    if (status >= 500) this.#logger.error(`${error.code}: ${error.message}`);
    if (host.getType() !== 'http') return httpException;
    const response: unknown = host.switchToHttp().getResponse();
    const body = httpException.getResponse();
    const retryAfter = httpException.retryAfterSeconds?.toString();
    const adapter = this.#adapterHost?.httpAdapter;
    if (adapter) {
      if (retryAfter !== undefined) adapter.setHeader(response, 'Retry-After', retryAfter);
      adapter.reply(response, body, status);
      return undefined;
    }
    const res = response as BareResponse;
    if (retryAfter !== undefined) res.header?.('Retry-After', retryAfter);
    (res.status?.(status) ?? res).send?.(body);
    return undefined;
  }
}

// Nest's decorators applied as the calls they are (`@Catch(ZenotiAuthFailure)` on the class,
// `@Optional() @Inject(HttpAdapterHost)` on the constructor parameter): the same metadata, without a
// compiler's decorator helpers in the bundle or `design:paramtypes` (the explicit `@Inject` names the token).
Catch(ZenotiAuthFailure)(ZenotiAuthExceptionFilter);
Optional()(ZenotiAuthExceptionFilter, undefined, 0);
Inject(HttpAdapterHost)(ZenotiAuthExceptionFilter, undefined, 0);
