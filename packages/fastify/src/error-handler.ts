import { invalidOption, isZenotiAuthError, type ZenotiAuthError } from '@zenoti-auth/core';
import { httpAnswerOf } from '@zenoti-auth/core/http';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

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
   * @default one `request.log.error` entry `{ zenoti: { status, code, field } }` with the message (none for `ABORTED`: the client went away)
   */
  onError?: ((entry: ZenotiErrorLog, request: FastifyRequest) => void) | undefined;
}

/** The default `onError`: the request's logger (Fastify's pino, with the request id), safe fields only. */
export function logToRequest(
  { status, code, field, message }: Pick<ZenotiErrorLog, 'status' | 'field' | 'message'> & { code: string },
  request: FastifyRequest,
): void {
  if (code === 'ABORTED') return;
  request.log.error({ zenoti: { status, code, field } }, message);
}

/** A Fastify error handler, as `setErrorHandler()` takes it. */
export type ZenotiFastifyErrorHandler = (
  error: FastifyError | Error,
  request: FastifyRequest,
  reply: FastifyReply,
) => FastifyReply;

/**
 * An error handler for `app.setErrorHandler()` that answers a `ZenotiAuthError` — from
 * `request.zenoti`, the engine, `zenotiAuth`'s resolver — the one place where that happens: status,
 * fixed public message and `Retry-After` (whole seconds) from `@zenoti-auth/core/http`, the contract
 * every adapter shares, as the JSON body `{ "error": { "code", "message" } }`. Nothing from Zenoti's
 * answer and no secret reaches the client. Any other error is thrown on, to the error handler of the
 * parent context (Fastify's own at the root). Like every error handler, it serves the context it is
 * set in and the contexts inside it.
 *
 * @example
 * ```ts
 * app.setErrorHandler(zenotiErrorHandler())
 * ```
 */
export function zenotiErrorHandler(options: ZenotiErrorHandlerOptions = {}): ZenotiFastifyErrorHandler {
  if (typeof options !== 'object' || options === null)
    throw invalidOption('fastify', 'options', 'must be an object');
  const onError = options.onError ?? logToRequest;
  if (typeof onError !== 'function') throw invalidOption('fastify', 'onError', 'must be a function');

  return function zenotiErrorHandler(error, request, reply) {
    if (!isZenotiAuthError(error)) throw error;
    const { status, message, retryAfterSeconds } = httpAnswerOf(error);
    if (status >= 500) {
      try {
        onError({ status, code: error.code, field: error.field, message: error.message, error }, request);
      } catch {
        // A failing logger must not turn the answer into another one.
      }
    }
    if (retryAfterSeconds !== undefined) reply.header('retry-after', String(retryAfterSeconds));
    return reply.code(status).send({ error: { code: error.code, message } });
  };
}
