import type { ZenotiErrorAnswer } from '@zenoti-auth/core/proxy';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { TELL_SERVER } from './error-log.ts';
import { isZenotiHTTPException, type ZenotiHTTPException } from './http-error.ts';

// Between Hono and the framework-neutral proxy and sign-in of `@zenoti-auth/core`: their error
// answers become the adapter's `ZenotiHTTPException`, as every other answer of the adapter is.

/**
 * `response` as it is, or, when it is an error answer of the neutral handlers (`answer`, from
 * `errorAnswerOf()`), thrown as a `ZenotiHTTPException` whose response it is: Hono's `onError` and
 * `zenotiAuth()`'s log then see it as before.
 */
export function answered(response: Response, answer: ZenotiErrorAnswer | undefined): Response {
  if (!answer) return response;
  const { status, message, cause, code, tellServer } = answer;
  const exception = new HTTPException(status as ContentfulStatusCode, { res: response, message, cause });
  throw Object.assign(exception, {
    name: 'ZenotiHTTPException',
    code,
    ...(tellServer ? { [TELL_SERVER]: true } : {}),
  }) as ZenotiHTTPException;
}

/**
 * The `ZenotiAuthError` inside an adapter's exception (what `c.var.zenoti.fetch()` throws), for the
 * neutral proxy, which answers it itself; anything else as it is.
 */
export function unwrapped(error: unknown): never {
  throw isZenotiHTTPException(error) && error.cause ? error.cause : error;
}
