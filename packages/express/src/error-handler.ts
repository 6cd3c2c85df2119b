import { invalidOption, isZenotiAuthError, type ZenotiAuthError } from '@zenoti-auth/core';
import { httpAnswerOf } from '@zenoti-auth/core/http';
import type { ErrorRequestHandler, NextFunction, Request, Response } from 'express';

/** What `onError` is told of a 5xx `zenotiErrorHandler()` answered: nothing in it is a key, password, secret or token. */
export interface ZenotiErrorLog {
  /** The status answered (500, 502, 503, 504). */
  status: number;
  /** Core's code (`NETWORK`, `TOKEN_ENDPOINT` …). */
  code: ZenotiAuthError['code'];
  /** For `INVALID_OPTIONS`: the option at fault, e.g. `"apiKey"` (its name, never its value). */
  field: string | undefined;
  /** The error's own message: more than the answer says, written by core without any secret. */
  message: string;
  /** The error answered. */
  error: ZenotiAuthError;
}

/** Options of `zenotiErrorHandler()`. */
export interface ZenotiErrorHandlerOptions {
  /**
   * Told of every 5xx answered (its body says only a fixed message): where the server learns why.
   * A 4xx (a missing sign-in, Zenoti's rate limit) is the client's, and not told.
   * @default one line on `console.error`: `[@zenoti-auth/express] GET /centers answered 503 NETWORK: …` (none for `ABORTED`: the client went away)
   */
  onError?: ((entry: ZenotiErrorLog, req: Request) => void) | undefined;
}

/** The default `onError`: one line, with the method and the path (never the query string or a header). */
function logToConsole({ status, code, field, message }: ZenotiErrorLog, req: Request): void {
  if (code === 'ABORTED') return;
  const path = (req.originalUrl ?? req.url).split('?')[0];
  console.error(
    `[@zenoti-auth/express] ${req.method} ${path} answered ${status} ${code}${field ? ` (option "${field}")` : ''}: ${message}`,
  );
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
  const onError = options.onError ?? logToConsole;
  if (typeof onError !== 'function') throw invalidOption('express', 'onError', 'must be a function');

  return function zenotiErrorHandler(error: unknown, req: Request, res: Response, next: NextFunction): void {
    if (!isZenotiAuthError(error) || res.headersSent) {
      next(error);
      return;
    }
    const { status, message, retryAfterSeconds } = httpAnswerOf(error);
    if (status >= 500) {
      try {
        onError({ status, code: error.code, field: error.field, message: error.message, error }, req);
      } catch {
        // A failing logger must not turn the answer into another one.
      }
    }
    if (retryAfterSeconds !== undefined) res.setHeader('retry-after', String(retryAfterSeconds));
    res.status(status).json({ error: { code: error.code, message } });
  };
}
