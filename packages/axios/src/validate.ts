import { invalidOption } from '@zenoti-auth/core';
import type { AxiosInstance, CreateAxiosDefaults } from 'axios';
import { parseUrl } from './url.ts';

// A configuration mistake throws `INVALID_OPTIONS` naming the field at once (never a TypeError
// later); its message says what the value is, never the value itself.

/** Throws unless `instance` is an axios instance (or the default `axios`): ours go on its interceptors. */
export function assertAxiosInstance(instance: unknown): asserts instance is AxiosInstance {
  const axios = instance as Partial<AxiosInstance> | null | undefined;
  if (typeof axios?.interceptors?.response?.use !== 'function' || typeof axios.request !== 'function')
    throw invalidOption(
      'axios',
      'instance',
      `must be an axios instance (got ${instance === null ? 'null' : typeof instance})`,
    );
}

/**
 * Throws when `axiosConfig` names a `baseURL` other than the engine's `baseUrl`: credentials go
 * there only, and axios would quietly call (and authenticate) one URL while the caller meant another.
 */
export function checkBaseURL(axiosConfig: CreateAxiosDefaults | undefined, baseUrl: string): void {
  const base = axiosConfig?.baseURL;
  if (base !== undefined && parseUrl(String(base))?.href.replace(/\/+$/, '') !== baseUrl)
    throw invalidOption('axios', 'baseURL', `must be ${baseUrl} or left out (set "baseUrl" instead)`);
}
