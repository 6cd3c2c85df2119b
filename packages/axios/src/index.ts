export { createZenotiAxios } from './create.ts';
export { ERR_ZENOTI_AUTH, isZenotiAxiosError, type ZenotiAxiosError } from './errors.ts';
export { zenotiAuthInterceptor } from './interceptor.ts';
export type { ZenotiAuthOrOptions, ZenotiRequestConfig } from './types.ts';
