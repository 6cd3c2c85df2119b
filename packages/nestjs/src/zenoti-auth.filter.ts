import { type ArgumentsHost, Catch, type ExceptionFilter, Inject, Logger, Optional } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { ZenotiAuthException } from './zenoti-auth.exception.ts';
import { ZenotiResponseException } from './zenoti-response.exception.ts';

/**
 * The answer to `exception`, if it is the filter's: a `ZenotiAuthError` (or an error whose `cause` is
 * one, or a `ZenotiHttpService` call that got no answer) first, else Zenoti's own answer to a
 * `ZenotiHttpService` call. Everything else is Nest's.
 */
function answerOf(exception: unknown): ZenotiAuthException | ZenotiResponseException | undefined {
  return ZenotiAuthException.from(exception) ?? ZenotiResponseException.from(exception);
}

/**
 * Matches what the filter handles without importing axios (an optional peer). Nest's `@Catch()`
 * tests exceptions with `instanceof`.
 */
// biome-ignore lint/complexity/noStaticOnlyClass: @Catch() takes classes; this one only answers `instanceof`.
class ZenotiFailure {
  static [Symbol.hasInstance](value: unknown): boolean {
    return answerOf(value) !== undefined;
  }
}

/** The one log line of a 5xx answer: core's message (which holds no secret), or Zenoti's status and the call's path. */
function logLineOf(answer: ZenotiAuthException | ZenotiResponseException): string {
  if (answer instanceof ZenotiResponseException)
    return `Zenoti answered ${answer.zenotiStatus} to ${answer.call} (ZenotiHttpService)`;
  const error = answer.cause as Error;
  return `${answer.code}: ${error.message}`;
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
 * the status from `ZENOTI_AUTH_ERROR_STATUS`, a fixed message, the core code, `Retry-After` on 429;
 * and Zenoti's own error answer to a `ZenotiHttpService` call with the `ZenotiResponseException`
 * response: a 4xx as that status (404, 403, 422 …), a 5xx as 502. Nothing from the original error
 * (message, cause, request config, Zenoti's body) reaches the client; a 5xx answer is logged in one line.
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
    const httpException = answerOf(exception);
    if (httpException === undefined) throw exception;
    const status = httpException.getStatus();
    if (status >= 500) this.#logger.error(logLineOf(httpException));
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

// Nest's decorators applied as the calls they are (`@Catch(ZenotiFailure)` on the class,
// `@Optional() @Inject(HttpAdapterHost)` on the constructor parameter): the same metadata, without a
// compiler's decorator helpers in the bundle or `design:paramtypes` (the explicit `@Inject` names the token).
Catch(ZenotiFailure)(ZenotiAuthExceptionFilter);
Optional()(ZenotiAuthExceptionFilter, undefined, 0);
Inject(HttpAdapterHost)(ZenotiAuthExceptionFilter, undefined, 0);
