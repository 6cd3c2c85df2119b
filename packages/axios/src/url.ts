import type { AxiosRequestConfig } from 'axios';

/**
 * The URL axios will call for `config`, resolved the way axios does it (`baseURL` + `url` unless
 * `url` is absolute and `allowAbsoluteUrls` is not `false`; relative to the page in a browser).
 * `undefined` when it cannot be resolved: such a request never gets a credential.
 */
export function requestUrl(config: AxiosRequestConfig): URL | undefined {
  const url = config.url ?? '';
  const base = config.baseURL;
  const full =
    base && (!/^([a-z][a-z\d+\-.]*:)?\/\//i.test(url) || config.allowAbsoluteUrls === false)
      ? `${base.replace(/\/+$/, '')}/${url.replace(/^\/+/, '')}`
      : url;
  try {
    return new URL(full, (globalThis as { location?: { href: string } }).location?.href);
  } catch {
    return undefined;
  }
}
