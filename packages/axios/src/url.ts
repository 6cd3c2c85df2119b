import type { AxiosRequestConfig } from 'axios';

/**
 * The `baseURL` that decides where a request for `config` goes, or `undefined` when its `url` does.
 * axios joins a relative `url` (any `url` when `allowAbsoluteUrls` is `false`) as
 * `baseURL + '/' + url`, which never leaves the base's origin.
 */
export function deciding(config: AxiosRequestConfig): string | undefined {
  const base = config.baseURL;
  return base && (config.allowAbsoluteUrls === false || !/^([a-z][a-z\d+\-.]*:)?\/\//i.test(config.url ?? ''))
    ? base
    : undefined;
}

/** `url` parsed (relative to the page in a browser); `undefined` when it cannot be: no credential then. */
export function parseUrl(url: string): URL | undefined {
  try {
    return new URL(url, (globalThis as { location?: { href: string } }).location?.href);
  } catch {
    return undefined;
  }
}
