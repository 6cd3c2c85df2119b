import type { ZenotiAuth } from '@zenoti-auth/core';
import type { AxiosInstance, AxiosResponse } from 'axios';
import { credentialFor } from './authorize-request.ts';
import { toAxiosError } from './errors.ts';
import type { OriginPolicy } from './origin-policy.ts';
import type { OurCredentials } from './our-credentials.ts';
import { observeRateLimit } from './rate-headers.ts';
import { isStream } from './streams.ts';
import { scopeOf } from './telemetry.ts';

/**
 * What an answer to a request sent with our credential `header` means for that credential, and
 * the one retry after a 401. `error`: the AxiosError of this response, if it is one. Resolves the
 * retry's response, or `undefined` when there is none (success needs no promise: `undefined` then).
 */
export type Settle = (
  response: AxiosResponse,
  header: string | undefined,
  error?: Error,
) => Promise<AxiosResponse | undefined> | undefined;

/**
 * The rules:
 * - An answer says something of our credential and the rate budget only when it was sent with our
 *   credential and came from an allowed origin (a redirect may have left it: a foreign 401
 *   invalidates nothing; a call with the caller's own credential may count against another budget).
 * - Its rate-limit headers go to core (`observeRateLimit`): a 429 pauses the budget.
 * - Any status but 401 and 429 tells core the credential was accepted; a 429 tells nothing.
 * - A 401 lets core invalidate the credential (compare-and-delete: a burst of 401s costs one
 *   refresh), then the request is sent once more with the newer credential — see `retry`.
 */
export function retryOn401(
  instance: AxiosInstance,
  auth: ZenotiAuth,
  origins: OriginPolicy,
  ours: OurCredentials,
): Settle {
  /**
   * After a 401 to a request sent with `header`: one retry with a newer credential, or `undefined`
   * when there is none to try or the body cannot be sent again (then `error`, the 401 about to be
   * rejected with, says so).
   */
  const retry = async (
    response: AxiosResponse,
    header: string,
    error?: Error,
  ): Promise<AxiosResponse | undefined> => {
    const config = response.config;
    const zenoti = config.zenoti;
    // A retry is never retried, nor a request whose caller set `retried: true` to turn it off.
    if (zenoti?.retried === true) return undefined;
    let next: string;
    try {
      await auth.invalidate(header, { principal: zenoti?.principal });
      next = await credentialFor(auth, config);
    } catch (failure) {
      return ours.reject(toAxiosError(failure, config, response), config);
    }
    // No newer credential (an API key; core declining after a fresh token got 401 too): no retry.
    if (next === header) return undefined;
    // A stream body was consumed by the first attempt: a retry would send it empty or cut short.
    // The 401 goes back, saying so; the credential is renewed all the same for the next request.
    if (isStream(config.data)) {
      if (error) error.message += ' (not retried: its body is a stream, already consumed)';
      return undefined;
    }
    config.zenoti = { ...zenoti, retried: true };
    config.headers.set('Authorization', next);
    scopeOf(config)?.resend();
    // Passed on (or redacted) here too: if eject() ran before this request was made, no interceptor
    // of ours sees it.
    return instance.request(config).then(
      (again) => ours.passOn(again, next),
      (failure: unknown) => ours.reject(failure, config),
    );
  };

  return (response, header, error) => {
    if (header === undefined || !origins.fromAllowed(response)) return undefined;
    observeRateLimit(auth, response);
    if (response.status === 401) return retry(response, header, error);
    if (response.status !== 429) auth.accepted(header);
    return undefined;
  };
}
