import type { AxiosInstance } from 'axios';
import { isAxiosError } from 'axios';
import { authorizeRequests } from './authorize-request.ts';
import { toEngine } from './engine.ts';
import { originPolicy } from './origin-policy.ts';
import { ourCredentials } from './our-credentials.ts';
import { retryOn401 } from './retry-on-401.ts';
import type { ZenotiAuthOrOptions } from './types.ts';
import { assertAxiosInstance } from './validate.ts';

/**
 * Installs zenoti-auth on an axios instance: a request interceptor that adds `Authorization` to
 * requests for the Zenoti origin (and `allowedOrigins`) only, and a response interceptor that, after
 * a 401, lets core invalidate the rejected credential and retries the request exactly once with the
 * fresh one (not when the body is a stream, which cannot be sent twice). Every error and response it
 * passes on shows its credentials only as fingerprints (`bearer …ab68`) and leads to no live request,
 * socket or agent (see `our-credentials.ts`). Token caching, single-flight refresh and cool-downs are core's: this adds no token logic.
 * With a rate budget (`rateLimit.budget`), every request it authenticates (the retry too) waits for
 * a permit before it goes, and what Zenoti's answers say of the rate limit goes to the budget.
 *
 * This file only wires the parts together: where credentials may go (`origin-policy.ts`), the
 * request path and its permit (`authorize-request.ts`), what an answer means and the retry
 * (`retry-on-401.ts`, with `rate-headers.ts` for the rate limit), and which credentials are ours
 * and how they are redacted on the way out (`our-credentials.ts`).
 *
 * @param instance the axios instance (or the default `axios`) to authenticate.
 * @param authOrOptions a `ZenotiAuth` from `@zenoti-auth/core`, or its options.
 * @returns `eject`: removes both instance.interceptors.
 * @throws ZenotiAuthError `INVALID_OPTIONS` when `instance` is not an axios instance or the options are wrong.
 *
 * @example
 * import axios from 'axios';
 * import { zenotiAuthInterceptor } from '@zenoti-auth/axios';
 *
 * const api = axios.create({ baseURL: 'https://api.zenoti.com' });
 * const eject = zenotiAuthInterceptor(api, { apiKey: process.env.ZENOTI_API_KEY! });
 * const { data } = await api.get('/v1/centers');
 * eject();
 */
export function zenotiAuthInterceptor(
  instance: AxiosInstance,
  authOrOptions: ZenotiAuthOrOptions,
): () => void {
  assertAxiosInstance(instance);
  const auth = toEngine(authOrOptions);
  const origins = originPolicy(auth);
  const ours = ourCredentials(origins);
  const settle = retryOn401(instance, auth, origins, ours);

  // With an API key at hand the header is always ready, so the request interceptor never returns a
  // promise: axios may then run the request interceptors synchronously. A token, or a key its
  // provider has not given yet, may have to be awaited: async then.
  const requestId = instance.interceptors.request.use(authorizeRequests(auth, origins, ours), undefined, {
    synchronous: auth.mode === 'apiKey' && auth.peekAuthorization() !== undefined,
  });
  const responseId = instance.interceptors.response.use(
    (response) => {
      const header = ours.sentWith(response.config);
      const retried = settle(response, header);
      return retried === undefined
        ? ours.passOn(response, header)
        : retried.then((again) => again ?? ours.passOn(response, header));
    },
    async (error: unknown) => {
      if (!isAxiosError(error)) throw error;
      const response = error.response;
      const retried = response ? await settle(response, ours.sentWith(response.config), error) : undefined;
      return retried ?? ours.reject(error, error.config);
    },
  );
  return (): void => {
    instance.interceptors.request.eject(requestId);
    instance.interceptors.response.eject(responseId);
  };
}
