import { ZenotiAuthError } from '@zenoti-auth/core';
import type { AxiosInstance, CreateAxiosDefaults } from 'axios';
import { parseUrl } from './url.ts';

/** A configuration mistake: `INVALID_OPTIONS` naming `field`, thrown at once (never a TypeError later). */
function invalid(field: string, problem: string): never {
  throw new ZenotiAuthError('INVALID_OPTIONS', `[@zenoti-auth/axios] "${field}" ${problem}.`, { field });
}

/** What a value is, for messages; never the value itself. */
const kind = (value: unknown): string => (value === null ? 'null' : typeof value);

/** Throws unless `instance` is an axios instance (or the default `axios`): ours go on its interceptors. */
export function assertAxiosInstance(instance: unknown): asserts instance is AxiosInstance {
  const axios = instance as Partial<AxiosInstance> | null | undefined;
  if (typeof axios?.interceptors?.response?.use !== 'function' || typeof axios.request !== 'function')
    invalid('instance', `must be an axios instance (got ${kind(instance)})`);
}

/**
 * Throws when `axiosConfig` names a `baseURL` other than the engine's `baseUrl`: credentials go
 * there only, and axios would quietly call (and authenticate) one URL while the caller meant another.
 */
export function checkBaseURL(axiosConfig: CreateAxiosDefaults | undefined, baseUrl: string): void {
  const base = axiosConfig?.baseURL;
  if (base !== undefined && parseUrl(String(base))?.href.replace(/\/+$/, '') !== baseUrl)
    invalid('baseURL', `must be ${baseUrl} or left out: set "baseUrl" in the options instead`);
}
