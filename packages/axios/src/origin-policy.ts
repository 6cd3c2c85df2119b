import type { ZenotiAuth } from '@zenoti-auth/core';
import type { AxiosResponse, InternalAxiosRequestConfig } from 'axios';
import { deciding, parseUrl } from './url.ts';

/**
 * Where our credentials may go: the engine's origin (its `baseUrl`) and its `allowedOrigins`, as
 * core's `isAllowedUrl` decides. Every other origin gets nothing of ours, not even a fingerprint.
 */
export interface OriginPolicy {
  /** Whether the request for `config` goes to an allowed origin (a URL that cannot be parsed does not). */
  allows(config: InternalAxiosRequestConfig): boolean;
  /** Whether `response` came from an allowed origin: a redirect may have left the one it was sent to. */
  fromAllowed(response: AxiosResponse): boolean;
}

export function originPolicy(auth: ZenotiAuth): OriginPolicy {
  const home = `${auth.baseUrl}/`;
  // Verdicts by base URL, for 16 of them (most requests are relative to one or two): no URL is
  // parsed for a request relative to a known base.
  const verdicts = new Map<string, boolean>();
  return {
    allows(config) {
      const base = deciding(config);
      let verdict = base === undefined ? undefined : verdicts.get(base);
      if (verdict === undefined) {
        const url = parseUrl(base ?? config.url ?? '');
        verdict = url !== undefined && auth.isAllowedUrl(url);
        if (base !== undefined && verdicts.size < 16) verdicts.set(base, verdict);
      }
      return verdict;
    },
    fromAllowed(response) {
      // The URL that answered, after any redirects, where the runtime says: on Node, follow-redirects
      // sets it on the response message (`request.res.responseUrl`); in a browser, XMLHttpRequest has
      // `responseURL`. Read before the response is detached (`redaction.ts`): then no live request
      // is left to read it from. Unknown (the fetch adapter): the request's own origin stands.
      const request = response.request;
      const final = request?.res?.responseUrl ?? request?.responseURL;
      return typeof final !== 'string' || final.startsWith(home) || auth.isAllowedUrl(final);
    },
  };
}
