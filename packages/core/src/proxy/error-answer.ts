import { isZenotiAuthError, type ZenotiAuthError, type ZenotiAuthErrorCode } from '../errors.ts';
import { httpAnswerOf } from '../http.ts';

// The answers of the neutral handlers when they do not relay Zenoti: a JSON body
// `{ "error": { "code", "message" } }` with a fixed public message, and what an adapter needs to
// shape it in its framework's idiom (Hono throws an `HTTPException`) or to log it.

/** The codes of the handlers' own answers, besides core's: the proxy's, then the sign-in's. */
export type ZenotiAnswerCode =
  | 'BAD_PATH'
  | 'NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'UPSTREAM'
  | 'UPSTREAM_REDIRECT'
  | 'TOO_MANY_REQUESTS'
  | 'BAD_REQUEST'
  | 'CROSS_SITE'
  | 'TOO_MANY_SIGN_INS';

/** What an error answer of the proxy or the sign-in is: see `errorAnswerOf()`. Never holds a secret. */
export interface ZenotiErrorAnswer {
  readonly status: number;
  /** The body's `code`: core's (`NETWORK`, `LOGIN_REQUIRED` …) or the handler's own (`UPSTREAM` …). */
  readonly code: ZenotiAuthErrorCode | ZenotiAnswerCode;
  /** The body's fixed public message. */
  readonly message: string;
  /** The headers besides `Content-Type`: `Retry-After`, `Allow`. */
  readonly headers: Readonly<Record<string, string>>;
  /** The `ZenotiAuthError` answered, with the details for your logs; `undefined` for the handler's own answers. */
  readonly cause: ZenotiAuthError | undefined;
  /**
   * The server's log should hear of it though it is below 500: a sign-in refused in a wrong
   * password's words for another reason (the login policy, the service user's name), told in `cause`.
   */
  readonly tellServer: boolean;
}

/** A registered symbol, so that each entry (each built on its own) reads the others' answers. */
const ANSWER: unique symbol = Symbol.for('@zenoti-auth/core/error-answer');

/**
 * The error answer `response` is, or `undefined` for a relayed or successful one. For adapters: to
 * answer it in their framework's idiom and to log a 5xx (whose body says only a fixed message).
 *
 * @example
 * ```ts
 * const response = await proxy.handle(request, context)
 * const answer = errorAnswerOf(response)
 * if (answer && answer.status >= 500) log(answer.cause?.message ?? answer.message)
 * ```
 */
export function errorAnswerOf(response: Response): ZenotiErrorAnswer | undefined {
  return (response as { [ANSWER]?: ZenotiErrorAnswer })[ANSWER];
}

/** An error answer: `{ "error": { "code", "message" } }` as JSON, readable by `errorAnswerOf()`. */
export function errorAnswer(
  status: number,
  code: ZenotiErrorAnswer['code'],
  message: string,
  headers: Record<string, string> = {},
  cause?: ZenotiAuthError,
  tellServer = false,
): Response {
  const response = new Response(JSON.stringify({ error: { code, message } }), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
  const answer: ZenotiErrorAnswer = { status, code, message, headers, cause, tellServer };
  return Object.assign(response, { [ANSWER]: answer });
}

/**
 * The answer to a `ZenotiAuthError`, from `@zenoti-auth/core/http`: its status, fixed message and
 * `Retry-After`. `endUser`: the error of an end user's own sign-in (a wrong password is 401).
 */
export function answerOf(error: ZenotiAuthError, endUser = false, tellServer = false): Response {
  const { status, message, retryAfterSeconds } = httpAnswerOf(error, { endUser });
  const headers: Record<string, string> =
    retryAfterSeconds === undefined ? {} : { 'retry-after': String(retryAfterSeconds) };
  return errorAnswer(status, error.code, message, headers, error, tellServer);
}

/** Answers a `ZenotiAuthError`; rethrows anything else (a programming error, a hook's own error). */
export function answerOrRethrow(error: unknown, endUser = false): Response {
  if (isZenotiAuthError(error)) return answerOf(error, endUser);
  throw error;
}

/** Who made a handler, named in its option errors and warnings: `{ package: 'hono', name: 'zenotiProxy()' }`. */
export interface ZenotiHandlerCaller {
  /** The package's name after `@zenoti-auth/`. */
  package: string;
  /** The function the app called. */
  name: string;
}
