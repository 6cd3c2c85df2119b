import { invalidOption, type ZenotiAuthError, type ZenotiAuthErrorCode } from '@zenoti-auth/core';
import type { ZenotiAnswerCode } from '@zenoti-auth/core/proxy';
import type { Request } from 'express';

// A 5xx says nothing in its body but a fixed message, so the server is told why, once, here: by
// `zenotiErrorHandler()`, `zenotiProxy()` and `zenotiSignIn()` alike.

/** What `onError` is told of an answer: nothing in it is a key, password, secret or token. */
export interface ZenotiErrorLog {
  /** The status answered (500, 502, 503, 504; 401 for a sign-in refused in a wrong password's words). */
  status: number;
  /** The code answered: core's (`NETWORK`, `TOKEN_ENDPOINT` …) or the proxy's and sign-in's own (`UPSTREAM` …). */
  code: ZenotiAuthErrorCode | ZenotiAnswerCode;
  /** For `INVALID_OPTIONS`: the option at fault, e.g. `"apiKey"` (its name, never its value). */
  field: string | undefined;
  /** What went wrong, in more detail than the answer: the `ZenotiAuthError`'s message (core writes no secret in it). */
  message: string;
  /** The `ZenotiAuthError` answered, if any. */
  error: ZenotiAuthError | undefined;
}

/** Told of what the server should hear: `(entry, req) => void`. */
export type ZenotiErrorListener = (entry: ZenotiErrorLog, req: Request) => void;

/** The default: one line on `console.error`, with the method and the path (never the query or a header); none for `ABORTED`. */
export function logToConsole({ status, code, field, message }: ZenotiErrorLog, req: Request): void {
  if (code === 'ABORTED') return;
  const path = (req.originalUrl ?? req.url).split('?')[0];
  console.error(
    `[@zenoti-auth/express] ${req.method} ${path} answered ${status} ${code}${field ? ` (option "${field}")` : ''}: ${message}`,
  );
}

/** `onError` as given, checked (`INVALID_OPTIONS`), or the default. */
export function errorListener(onError: unknown): ZenotiErrorListener {
  if (onError === undefined) return logToConsole;
  if (typeof onError !== 'function') throw invalidOption('express', 'onError', 'must be a function');
  return onError as ZenotiErrorListener;
}

/** Hands `entry` to `onError`; a failing listener must not turn the answer into another one. */
export function tell(onError: ZenotiErrorListener, entry: ZenotiErrorLog, req: Request): void {
  try {
    onError(entry, req);
  } catch {
    // Swallowed: the answer stands.
  }
}
