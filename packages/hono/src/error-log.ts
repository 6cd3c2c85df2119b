import type { Context } from 'hono';
import { isZenotiHTTPException } from './http-error.ts';
import type { ZenotiErrorLog } from './types.ts';

// A 5xx the adapter answers (Zenoti unreachable, a token it cannot get, a misconfiguration) says
// nothing in the body but a fixed message: so it is told to the server's log, once, here.

/**
 * Marks an answer below 500 that the server is still told of: a sign-in refused in a wrong
 * password's words (an error answer of `@zenoti-auth/core/sign-in` with `tellServer`, see answer.ts). A
 * registered symbol, since each entry is built on its own.
 */
export const TELL_SERVER: unique symbol = Symbol.for('@zenoti-auth/hono/tell-server');

/** Errors already logged: a request through two `zenotiAuth()`s logs its error once. */
const logged = new WeakSet<object>();

/**
 * The default `onError`: one line on `console.error`, as Hono's own error handler writes. A call
 * `ABORTED` because the client went away is no fault of the server's: not written.
 */
export function logToConsole({ status, code, field, message }: ZenotiErrorLog, c: Context): void {
  if (code === 'ABORTED') return;
  console.error(
    `[@zenoti-auth/hono] ${c.req.method} ${c.req.path} answered ${status} ${code}${field ? ` (option "${field}")` : ''}: ${message}`,
  );
}

/**
 * Hands `error` to `onError` when it is the adapter's 5xx answer, or one marked `TELL_SERVER`, and
 * was not handed on before. Only safe fields go in the entry: the code, the field's name and the
 * error's message, which core and the adapter write without any key, password, secret or token. The
 * default line adds the method and the path, never the query string or a header.
 */
export function logAnswered(
  error: unknown,
  c: Context,
  onError: (entry: ZenotiErrorLog, c: Context) => void,
): void {
  if (!isZenotiHTTPException(error) || logged.has(error)) return;
  if (error.status < 500 && (error as { [TELL_SERVER]?: boolean })[TELL_SERVER] !== true) return;
  logged.add(error);
  const cause = error.cause;
  const entry = {
    status: error.status,
    code: error.code,
    field: cause?.field,
    message: cause?.message ?? error.message,
    error,
  };
  try {
    onError(entry, c);
  } catch {
    // A failing logger must not turn the answer into another one.
  }
}
