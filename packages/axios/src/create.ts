import axios, { type AxiosInstance, type CreateAxiosDefaults } from 'axios';
import { toEngine } from './engine.ts';
import { zenotiAuthInterceptor } from './interceptor.ts';
import type { ZenotiAuthOrOptions } from './types.ts';
import { checkBaseURL } from './validate.ts';

/**
 * A new axios instance for Zenoti: `baseURL` is the engine's base URL and the zenoti-auth
 * interceptor is installed first, so every interceptor you add later sees redacted errors.
 *
 * @param authOrOptions a `ZenotiAuth` from `@zenoti-auth/core`, or its options.
 * @param axiosConfig further axios defaults (`timeout`, `headers` …). `baseURL` is the engine's
 *   `baseUrl`: another one throws `INVALID_OPTIONS` (set `baseUrl` in the zenoti-auth options instead).
 *
 * @example
 * import { createZenotiAxios } from '@zenoti-auth/axios';
 *
 * const zenoti = createZenotiAxios({
 *   app: { accountName: 'spabliss', appId: process.env.ZENOTI_APP_ID!, appSecret: process.env.ZENOTI_APP_SECRET! },
 *   user: { username: process.env.ZENOTI_USERNAME!, password: process.env.ZENOTI_PASSWORD! },
 * });
 * const { data } = await zenoti.get('/v1/centers');
 */
export function createZenotiAxios(
  authOrOptions: ZenotiAuthOrOptions,
  axiosConfig?: CreateAxiosDefaults,
): AxiosInstance {
  const auth = toEngine(authOrOptions);
  checkBaseURL(axiosConfig, auth.baseUrl);
  const instance = axios.create({ ...axiosConfig, baseURL: auth.baseUrl });
  zenotiAuthInterceptor(instance, auth);
  return instance;
}
