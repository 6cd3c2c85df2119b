import type { ZenotiAuthError } from '@zenoti-auth/core';
import type { ZenotiErrorAnswer } from '@zenoti-auth/core/proxy';
import type { FastifyRequest } from 'fastify';

// An error answer of the proxy or the sign-in that says only a fixed message (a 5xx), or a sign-in
// refused in a wrong password's words for another reason: the server's log hears why, here.

/** What `onError` of the proxy and the sign-in is told: nothing in it is a key, password, secret or token. */
export interface ZenotiAnswerLog {
  /** The status answered (500, 502, 503, 504; 401 for a sign-in refused in a wrong password's words). */
  status: number;
  /** The code answered: core's (`NETWORK` …) or the handler's own (`UPSTREAM`, `UPSTREAM_REDIRECT` …). */
  code: ZenotiErrorAnswer['code'];
  /** For `INVALID_OPTIONS`: the option at fault (its name, never its value). */
  field: string | undefined;
  /** What went wrong, in more detail than the answer: the `ZenotiAuthError`'s message, else the answer's. */
  message: string;
  /** The `ZenotiAuthError` answered, if any. */
  error: ZenotiAuthError | undefined;
}

/** Who hears of such answers. */
export type ZenotiAnswerListener = (entry: ZenotiAnswerLog, request: FastifyRequest) => void;

/** The default: the request's logger (Fastify's pino, with the request id), safe fields only; not `ABORTED`. */
function logToRequest({ status, code, field, message }: ZenotiAnswerLog, request: FastifyRequest): void {
  if (code === 'ABORTED') return;
  request.log.error({ zenoti: { status, code, field } }, message);
}

/** Tells `onError` (by default the request's logger) of `answer` when the server should hear of it. */
export function tellAnswer(
  answer: ZenotiErrorAnswer | undefined,
  request: FastifyRequest,
  onError: ZenotiAnswerListener = logToRequest,
): void {
  if (!answer || (answer.status < 500 && !answer.tellServer)) return;
  const { status, code, message, cause } = answer;
  try {
    onError({ status, code, field: cause?.field, message: cause?.message ?? message, error: cause }, request);
  } catch {
    // A failing logger must not turn the answer into another one.
  }
}
