import { inspect } from 'node:util';
import { redactAuthorization, ZenotiAuth } from '@zenoti-auth/core';
import axios, { type AxiosError, type AxiosInstance } from 'axios';
import { describe, expect, it } from 'vitest';
import { createZenotiAxios, ERR_ZENOTI_AUTH, zenotiAuthInterceptor } from '../src/index.ts';
import { closedPortUrl, D, expectNoSecret, serviceUser, tokenApi, zenoti } from './support.ts';

async function failure(api: AxiosInstance, path = '/v1/centers'): Promise<AxiosError> {
  try {
    await api.get(path);
  } catch (error) {
    if (axios.isAxiosError(error)) return error;
    throw error;
  }
  throw new Error('the request succeeded');
}

describe('errors carry no secret', () => {
  it('a network error to a closed port shows the API key only as a fingerprint', async () => {
    const api = createZenotiAxios({ apiKey: D.apiKey, baseUrl: await closedPortUrl() });
    const error = await failure(api);
    expect(error.code).toBe('ECONNREFUSED');
    expect(error.config?.headers.get('Authorization')).toBe(redactAuthorization(`apikey ${D.apiKey}`));
    expect(error.config?.headers.get('Authorization')).toMatch(/^apikey …1093$/);
    expectNoSecret(error);
  });

  it('a timeout shows the token only as a fingerprint', async () => {
    const z = await zenoti();
    const { api, token } = await tokenApi(z.url, { timeout: 150 });
    z.control.injectFault('resource', { kind: 'hang' });
    const error = await failure(api);
    expect(error.code).toBe('ECONNABORTED');
    expect(error.config?.headers.get('Authorization')).toBe(redactAuthorization(token));
    expectNoSecret(error, [token]);
  });

  it('a dropped connection shows the token only as a fingerprint', async () => {
    const z = await zenoti();
    const { api, token } = await tokenApi(z.url);
    z.control.injectFault('resource', { kind: 'drop' });
    const error = await failure(api);
    expect(error.response).toBeUndefined();
    expectNoSecret(error, [token]);
  });

  it('a 500 answer shows the token only as a fingerprint, in config and response', async () => {
    const z = await zenoti();
    const { api, token } = await tokenApi(z.url);
    z.control.injectFault('resource', { kind: 'status', status: 500 });
    const error = await failure(api);
    expect(error.response?.status).toBe(500);
    expect(error.response?.config.headers.get('Authorization')).toBe(redactAuthorization(token));
    expect(error.request.getHeader('authorization')).toBe(redactAuthorization(token));
    expectNoSecret(error, [token]);
  });

  it('a 500 answer shows no token even while other requests on the same connection pool are in flight', async () => {
    const z = await zenoti();
    const { api, token } = await tokenApi(z.url);
    z.control.injectFault('resource', { kind: 'status', status: 500 });
    z.control.injectFault('resource', { kind: 'hang' }, 10);
    const stop = new AbortController();
    const failing = failure(api);
    const hanging = Array.from({ length: 10 }, () =>
      api.get('/v1/centers', { signal: stop.signal }).catch(() => 'aborted'),
    );
    const error = await failing;
    expectNoSecret(error, [token]);
    stop.abort();
    expect(await Promise.all(hanging)).toEqual(Array(10).fill('aborted'));
  });

  it('a 401 after the retry shows neither the first nor the second token', async () => {
    const z = await zenoti();
    const { api, auth, token } = await tokenApi(z.url);
    z.control.injectFault('resource', { kind: 'status', status: 401 }, 10);
    const error = await failure(api);
    const second = await auth.authorization();
    expect(second).not.toBe(token);
    expect(error.response?.status).toBe(401);
    expect(error.config?.headers.get('Authorization')).toBe(redactAuthorization(second));
    expectNoSecret(error, [token, second]);
  });

  it('a 401 on the retry shows no token even when the interceptor was ejected before the retry went out', async () => {
    const z = await zenoti();
    const auth = new ZenotiAuth(serviceUser(z.url));
    const token = await auth.authorization();
    const api = axios.create({ baseURL: z.url });
    let eject = (): void => undefined;
    // Registered first, so it sees the first 401 before ours does: the retry is then made on an
    // instance that has no interceptor of ours left.
    api.interceptors.response.use(undefined, (error: unknown) => {
      eject();
      throw error;
    });
    eject = zenotiAuthInterceptor(api, auth);
    z.control.injectFault('resource', { kind: 'status', status: 401 }, 2);
    const error = await failure(api);
    const second = await auth.authorization();
    expect(second).not.toBe(token);
    expect(error.response?.status).toBe(401);
    expect(z.control.counters().resources.total).toBe(2);
    expectNoSecret(error, [token, second]);
  });

  it('a password changed after the token was issued fails the retry with ERR_ZENOTI_AUTH, and shows no token', async () => {
    const z = await zenoti();
    const { api, token } = await tokenApi(z.url);
    z.control.setPassword(D.accountName, D.employee.username, 'Changed-Elsewhere-1');
    const error = await failure(api);
    expect(error.code).toBe(ERR_ZENOTI_AUTH);
    expect(error.response?.status).toBe(401);
    expect(error.cause).toMatchObject({ code: 'CREDENTIALS_REJECTED' });
    expect(error.config?.headers.get('Authorization')).toBe(redactAuthorization(token));
    expect(inspect(error, { depth: 6 })).not.toContain('Changed-Elsewhere-1');
    expectNoSecret(error, [token]);
  });

  it("a 500 through axios' fetch adapter shows the token only as a fingerprint", async () => {
    const z = await zenoti();
    const { api, token } = await tokenApi(z.url, { adapter: 'fetch' });
    z.control.injectFault('resource', { kind: 'status', status: 500 });
    const error = await failure(api);
    expect(error.response?.status).toBe(500);
    expect(error.config?.headers.get('Authorization')).toBe(redactAuthorization(token));
    expectNoSecret(error, [token]);
  });

  it('a rejected password arrives as ERR_ZENOTI_AUTH with the ZenotiAuthError as cause, and no secret', async () => {
    const z = await zenoti();
    const api = createZenotiAxios(
      serviceUser(z.url, { user: { username: D.employee.username, password: 'Wrong-Pass-1' } }),
    );
    const error = await failure(api);
    expect(error.code).toBe(ERR_ZENOTI_AUTH);
    expect(error.message).toMatch(/^\[@zenoti-auth\/axios\] CREDENTIALS_REJECTED: /);
    expect(error.cause).toMatchObject({ name: 'ZenotiAuthError', code: 'CREDENTIALS_REJECTED', status: 401 });
    expect(inspect(error, { depth: 6 })).not.toContain('Wrong-Pass-1');
    expectNoSecret(error);
  });

  it('an unreachable token endpoint arrives as ERR_ZENOTI_AUTH with NETWORK as cause, and no secret', async () => {
    const api = createZenotiAxios(serviceUser(await closedPortUrl(), { retry: { retries: 0 } }));
    const error = await failure(api);
    expect(error.code).toBe(ERR_ZENOTI_AUTH);
    expect(error.cause).toMatchObject({ code: 'NETWORK' });
    expectNoSecret(error);
  });
});
