// Compiled by package.test.ts against dist/index.d.cts (the package resolves itself by name).
import axios = require('axios');
import zenotiAxios = require('@zenoti-auth/axios');

const api = zenotiAxios.createZenotiAxios({ apiKey: 'key' });
export const call = api.get('/v1/centers', { zenoti: { principal: 'guest-1', skip: false } });
export const eject: () => void = zenotiAxios.zenotiAuthInterceptor(axios.create(), { apiKey: 'key' });
// @ts-expect-error skip is a boolean
void api.get('/v1/centers', { zenoti: { skip: 'yes' } });
