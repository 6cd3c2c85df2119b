import { ZenotiAuthError, type ZenotiAuthErrorCode } from '@zenoti-auth/core';
import { isZenotiHttpError } from './zenoti-http.mark.ts';

/** The core code of a call that got no answer, by axios' (or Node's) error code. */
function codeOf(code: string): ZenotiAuthErrorCode | undefined {
  if (code === 'ECONNABORTED' || code === 'ETIMEDOUT') return 'TIMEOUT';
  if (code === 'ERR_CANCELED') return 'ABORTED';
  // Node's system errors (ECONNREFUSED, ECONNRESET, ENOTFOUND …) and axios' own network error.
  if (/^E[A-Z]+$/.test(code) || code === 'ERR_NETWORK') return 'NETWORK';
  // Anything else (ERR_BAD_OPTION, ERR_INVALID_URL …) is the program's own mistake: not Zenoti's.
  return undefined;
}

/**
 * What a call through `ZenotiHttpService` that got no answer from Zenoti amounts to: a timeout
 * (`TIMEOUT`), a cancelled call (`ABORTED`) or a failed connection (`NETWORK`), as the engine's own
 * calls report them; the `AxiosError` is its `cause`. `undefined` for anything else.
 */
export function unansweredCallError(value: unknown): ZenotiAuthError | undefined {
  if (!isZenotiHttpError(value) || (value as { response?: unknown }).response !== undefined) return undefined;
  const axiosCode = (value as { code?: unknown }).code;
  const code = typeof axiosCode === 'string' ? codeOf(axiosCode) : undefined;
  if (code === undefined) return undefined;
  return new ZenotiAuthError(
    code,
    `[@zenoti-auth/nestjs] A call through ZenotiHttpService got no answer from Zenoti (${axiosCode}).`,
    { cause: value },
  );
}
