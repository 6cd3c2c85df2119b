import { redactAuthorization, type ZenotiAuth } from '@zenoti-auth/core';
import { type AxiosInstance, type AxiosResponse, type InternalAxiosRequestConfig, isAxiosError } from 'axios';
import { toEngine } from './engine.ts';
import { toAxiosError } from './errors.ts';
import { detachResponse, redactError } from './redaction.ts';
import { guardRedirects, type RedirectGuards, stripAuthorization } from './redirect.ts';
import { isStream } from './streams.ts';
import type { ZenotiAuthOrOptions } from './types.ts';
import { deciding, parseUrl } from './url.ts';
import { assertAxiosInstance } from './validate.ts';

/** How many sent header values an interceptor remembers (to strip them from foreign requests). */
const RECENT = 64;

/** Added to the message of a 401 that a retry was due for but the request body could not be sent again. */
const NOT_REPLAYABLE = ' (not retried: its body is a stream, already consumed)';

/**
 * Installs zenoti-auth on an axios instance: a request interceptor that adds `Authorization` to
 * requests for the Zenoti origin (and `allowedOrigins`) only, and a response interceptor that, after
 * a 401, lets core invalidate the rejected credential and retries the request exactly once with the
 * fresh one (not when the body is a stream, which cannot be sent twice). Every error and response it
 * passes on shows its credentials only as fingerprints (`bearer …ab68`) and leads to no live request,
 * socket or agent (see `redaction.ts`). Token caching, single-flight refresh and cool-downs are core's: this adds no token logic.
 *
 * @param instance the axios instance (or the default `axios`) to authenticate.
 * @param authOrOptions a `ZenotiAuth` from `@zenoti-auth/core`, or its options.
 * @returns `eject`: removes both interceptors.
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
  const auth: ZenotiAuth = toEngine(authOrOptions);
  const home = `${auth.baseUrl}/`;
  /** The header values this interceptor sent lately, each with its fingerprint. */
  const recent = new Map<string, string>();
  const fingerprint = (header: string): string => recent.get(header) ?? redactAuthorization(header);
  /** Ours: a header value we sent, or a fingerprint (a response's config used again). `…` is never in a real one. */
  const ours = (value: unknown): boolean =>
    typeof value === 'string' && (recent.has(value) || value.includes('…'));
  const guards: RedirectGuards = new WeakMap();
  // Verdicts on base URLs (most requests are relative to one or two): no URL parsed per request.
  const verdicts = new Map<string, boolean>();
  const allowed = (config: InternalAxiosRequestConfig): boolean => {
    const base = deciding(config);
    let verdict = base === undefined ? undefined : verdicts.get(base);
    if (verdict === undefined) {
      const url = parseUrl(base ?? config.url ?? '');
      verdict = url !== undefined && auth.isAllowedUrl(url);
      if (base !== undefined && verdicts.size < 16) verdicts.set(base, verdict);
    }
    return verdict;
  };
  // Redact every Authorization sent to Zenoti, and ours anywhere; a caller's own header elsewhere is theirs.
  const redactable =
    (config: InternalAxiosRequestConfig | undefined) =>
    (value: string): boolean =>
      recent.has(value) || (config !== undefined && allowed(config));
  /**
   * The credential a request went out with: the one `onRequest` wrote, read back from the config (a
   * table of configs would cost every request a weak-map entry and the GC its upkeep). A request
   * `onRequest` leaves alone (another origin, `skip`) has none of ours.
   */
  const sentBy = (config: InternalAxiosRequestConfig): string | undefined => {
    if (config.zenoti?.skip === true || !allowed(config)) return undefined;
    const value = config.headers?.Authorization;
    return typeof value === 'string' ? value : undefined;
  };
  const reject = (error: unknown, config?: InternalAxiosRequestConfig): never => {
    const header = config && sentBy(config);
    throw isAxiosError(error) ? redactError(error, redactable(config), header ? [header] : []) : error;
  };

  const apply = (config: InternalAxiosRequestConfig, header: string): InternalAxiosRequestConfig => {
    // Cheaper than `set()`, which normalises and validates the name and scans every header with it.
    // Another spelling (a caller's `authorization`) goes first: axios would merge the two into the
    // first slot with the last one's value, which could be the caller's.
    stripAuthorization(config.headers, 'Authorization');
    config.headers.Authorization = header;
    if (!recent.has(header)) {
      recent.set(header, redactAuthorization(header));
      if (recent.size > RECENT) recent.delete(recent.keys().next().value as string);
    }
    guardRedirects(config, auth, guards);
    return config; // the same object, mutated: never a clone (axios advisory for 1.15–1.17)
  };

  /** The credential for `config`'s principal, waiting for it if need be (the request's signal aborts the wait). */
  const credential = (config: InternalAxiosRequestConfig): Promise<string> =>
    auth.authorization({
      principal: config.zenoti?.principal,
      signal: config.signal instanceof AbortSignal ? config.signal : undefined,
    });

  const fetchHeader = async (config: InternalAxiosRequestConfig): Promise<InternalAxiosRequestConfig> => {
    let header: string;
    try {
      header = await credential(config);
    } catch (error) {
      return reject(toAxiosError(error, config), config);
    }
    return apply(config, header);
  };

  // Not async: when the credential is ready (API key, cached token), the config goes back at once.
  const onRequest = (
    config: InternalAxiosRequestConfig,
  ): InternalAxiosRequestConfig | Promise<InternalAxiosRequestConfig> => {
    if (!allowed(config) || config.zenoti?.skip === true) {
      // Never ours to another origin (a reused config may still carry it, or its fingerprint, which
      // could not even be sent); the caller's own header stays.
      if (ours(config.headers.get('authorization'))) config.headers.delete('authorization');
      return config;
    }
    const ready = auth.peekAuthorization(config.zenoti);
    return ready === undefined ? fetchHeader(config) : apply(config, ready);
  };

  /**
   * A response on its way out: our credential in its config becomes a fingerprint (the config may be
   * logged, or become part of an error made by a later interceptor) and nothing on it stays live (see
   * `detachResponse`). `header` is what the request was sent with, `undefined` when not ours.
   */
  const passOn = (response: AxiosResponse, header: string | undefined): AxiosResponse => {
    const headers = response.config?.headers;
    if (header !== undefined && headers?.Authorization === header)
      headers.Authorization = fingerprint(header);
    return detachResponse(response, (value) => (value === header ? fingerprint(value) : undefined));
  };

  /**
   * After a 401: one retry with a newer credential, or `undefined` when there is none to try or the
   * body cannot be sent again (then `error`, the 401 about to be rejected with, says so).
   */
  const retry = async (
    config: InternalAxiosRequestConfig,
    header: string,
    response: AxiosResponse,
    error?: Error,
  ): Promise<AxiosResponse | undefined> => {
    const zenoti = config.zenoti;
    if (zenoti?.retried === true) return undefined;
    let next: string;
    try {
      await auth.invalidate(header, { principal: zenoti?.principal });
      next = await credential(config);
    } catch (failure) {
      return reject(toAxiosError(failure, config, response), config);
    }
    if (next === header) return undefined;
    // A stream body was consumed by the first attempt: a retry would send it empty or cut short.
    // The 401 goes back as it is; the credential is renewed all the same for the next request.
    if (isStream(config.data)) {
      if (error) error.message += NOT_REPLAYABLE;
      return undefined;
    }
    config.zenoti = { ...zenoti, retried: true };
    config.headers.set('Authorization', next);
    // Passed on (or redacted) here too: if eject() ran before this request was made, no interceptor
    // of ours sees it.
    return instance.request(config).then(
      (again) => passOn(again, next),
      (failure: unknown) => reject(failure, config),
    );
  };

  /** Whether the answer came from an allowed origin (a redirect may have left it). */
  const fromZenoti = (response: AxiosResponse): boolean => {
    const final = response.request?.res?.responseUrl ?? response.request?.responseURL;
    if (typeof final !== 'string' || final.startsWith(home)) return true;
    return auth.isAllowedUrl(final);
  };

  /**
   * A retry after a 401 to a request sent with `header`, `undefined` when there is nothing to do;
   * success needs no promise. `error`: the AxiosError of this response, if it is one.
   */
  const settle = (
    response: AxiosResponse,
    header: string | undefined,
    error?: Error,
  ): Promise<AxiosResponse | undefined> | undefined => {
    if (header === undefined || !fromZenoti(response)) return undefined;
    if (response.status === 401) return retry(response.config, header, response, error);
    if (response.status !== 429) auth.accepted(header);
    return undefined;
  };

  // With an API key the header is always ready, so onRequest never returns a promise: axios may then
  // run the request interceptors synchronously. A token may have to be awaited: async then.
  const requestId = instance.interceptors.request.use(onRequest, undefined, {
    synchronous: auth.mode === 'apiKey',
  });
  const responseId = instance.interceptors.response.use(
    (response) => {
      const header = sentBy(response.config);
      const retried = settle(response, header);
      return retried === undefined
        ? passOn(response, header)
        : retried.then((again) => again ?? passOn(response, header));
    },
    async (error: unknown) => {
      if (!isAxiosError(error)) throw error;
      const response = error.response;
      const retried = response ? await settle(response, sentBy(response.config), error) : undefined;
      return retried ?? reject(error, error.config);
    },
  );
  return (): void => {
    instance.interceptors.request.eject(requestId);
    instance.interceptors.response.eject(responseId);
  };
}
