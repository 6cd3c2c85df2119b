import { invalidOption, isZenotiAuthError } from '@zenoti-auth/core';
import { httpAnswerOf } from '@zenoti-auth/core/http';
import type { ErrorRequestHandler, NextFunction, Request, Response } from 'express';
import { errorListener, tell, type ZenotiErrorListener } from './error-log.ts';

/** Options of `zenotiErrorHandler()`. */
export interface ZenotiErrorHandlerOptions {
  /**
   * Told of every 5xx answered (its body says only a fixed message): where the server learns why.
   * A 4xx (a missing sign-in, Zenoti's rate limit) is the client's, and not told.
   * @default one line on `console.error`: `[@zenoti-auth/express] GET /centers answered 503 NETWORK: …` (none for `ABORTED`: the client went away)
   */
  onError?: ZenotiErrorListener | undefined;
}

/**
 * Answers a `ZenotiAuthError` — from `req.zenoti`, the engine, `zenotiAuth()`'s resolver — the one
 * place where that happens: status, fixed public message and `Retry-After` (whole seconds) from
 * `@zenoti-auth/core/http`, the contract every adapter shares, as the JSON body
 * `{ "error": { "code", "message" } }` (as Hono's adapter answers). Nothing from Zenoti's answer and
 * no secret reaches the client. Any other error goes on to the next error handler, as does one
 * whose response has begun. Mount it after your routes.
 *
 * @example
 * ```ts
 * app.get('/api/centers', async (req, res) => res.json(await (await req.zenoti.fetch('/v1/centers')).json()))
 * app.use(zenotiErrorHandler())
 * ```
 */
export function zenotiErrorHandler(options: ZenotiErrorHandlerOptions = {}): ErrorRequestHandler {
  if (typeof options !== 'object' || options === null)
    throw invalidOption('express', 'options', 'must be an object');
  const onError = errorListener(options.onError);

  return function zenotiErrorHandler(error: unknown, req: Request, res: Response, next: NextFunction): void {
    if (!isZenotiAuthError(error) || res.headersSent) {
      next(error);
      return;
    }
    const { status, message, retryAfterSeconds } = httpAnswerOf(error);
    if (status >= 500)
      tell(onError, { status, code: error.code, field: error.field, message: error.message, error }, req);
    if (retryAfterSeconds !== undefined) res.setHeader('retry-after', String(retryAfterSeconds));
    res.status(status).json({ error: { code: error.code, message } });
  };
}
