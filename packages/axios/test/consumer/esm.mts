// Compiled by package.test.ts against dist/index.d.mts (the package resolves itself by name).
import {
  createZenotiAxios,
  ERR_ZENOTI_AUTH,
  type ZenotiRequestConfig,
  zenotiAuthInterceptor,
} from '@zenoti-auth/axios';
import axios from 'axios';

const api = createZenotiAxios({ apiKey: 'key', baseUrl: 'http://127.0.0.1:4010' }, { timeout: 5_000 });
const eject: () => void = zenotiAuthInterceptor(axios.create(), { apiKey: 'key' });
const zenoti: ZenotiRequestConfig = { principal: 'guest-1' };
export const calls = [api.get('/v1/centers', { zenoti }), api.get('/x', { zenoti: { skip: true } })];
export const code: string = ERR_ZENOTI_AUTH;
eject();
// @ts-expect-error unknown per-request option
void api.get('/v1/centers', { zenoti: { principle: 'typo' } });
