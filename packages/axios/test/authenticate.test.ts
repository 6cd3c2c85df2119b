import { redact, ZenotiAuth } from '@zenoti-auth/core';
import axios, { type AxiosAdapter } from 'axios';
import { describe, expect, it } from 'vitest';
import { createZenotiAxios, ERR_ZENOTI_AUTH, zenotiAuthInterceptor } from '../src/index.ts';
import { D, guestApp, rejection, serviceUser, zenoti } from './support.ts';

describe('authenticating requests', () => {
  it('sends the API key on every request to Zenoti', async () => {
    const z = await zenoti();
    const api = createZenotiAxios({ apiKey: D.apiKey, baseUrl: z.url });
    const res = await api.get<{ centers: unknown[] }>('/v1/centers');
    expect(res.status).toBe(200);
    expect(res.data.centers).toHaveLength(3);
    expect(z.control.requests().at(-1)?.authorization).toBe(`apikey ${redact(D.apiKey)}`);
  });

  it('with an API key the request goes out in the same tick (synchronous interceptor); a token is awaited', async () => {
    const z = await zenoti();
    const sentNow: Array<string | undefined> = [];
    const http = axios.getAdapter('http');
    // The real Node adapter, noting the header it is called with.
    const adapter: AxiosAdapter = (config) => {
      sentNow.push(config.headers.get('authorization') as string | undefined);
      return http(config);
    };
    const api = createZenotiAxios({ apiKey: D.apiKey, baseUrl: z.url }, { adapter });
    const pending = api.get('/v1/centers');
    expect(sentNow).toEqual([`apikey ${D.apiKey}`]); // before the first await
    expect((await pending).status).toBe(200);

    const tokenApi = createZenotiAxios(serviceUser(z.url), { adapter });
    const later = tokenApi.get('/v1/centers');
    expect(sentNow).toHaveLength(1); // the token path may have to wait for Zenoti: asynchronous
    expect((await later).status).toBe(200);
    expect(sentNow[1]).toMatch(/^bearer /);
  });

  it("replaces a caller's Authorization in any spelling on Zenoti requests: one header goes out, ours", async () => {
    const z = await zenoti();
    for (const options of [{ apiKey: D.apiKey, baseUrl: z.url }, serviceUser(z.url)]) {
      const api = createZenotiAxios(options);
      for (const name of ['authorization', 'AUTHORIZATION', 'Authorization']) {
        const res = await api.get('/v1/centers', { headers: { [name]: 'apikey not-ours' } });
        expect(res.status).toBe(200); // the mock rejects "not-ours": ours was sent
        const names = Object.keys(res.config.headers).filter((k) => k.toLowerCase() === 'authorization');
        expect(names).toHaveLength(1);
        const ours = res.request.getHeader('authorization') as string;
        expect(ours).toMatch(options.apiKey ? /^apikey / : /^bearer /);
        expect(ours).not.toContain('not-ours');
        expect(z.control.requests().at(-1)?.authorization).not.toContain('not-ours');
      }
      // An Authorization in the defaults, then another spelling from an interceptor added later
      // (axios runs it before ours): one header goes out, ours.
      const layered = createZenotiAxios(options);
      layered.defaults.headers.common.Authorization = 'apikey default-not-ours';
      layered.interceptors.request.use((config) => {
        config.headers.authorization = 'apikey interceptor-not-ours';
        return config;
      });
      const res = await layered.get('/v1/centers');
      expect(res.status).toBe(200);
      expect(res.request.getHeader('authorization')).toMatch(options.apiKey ? /^apikey / : /^bearer /);
      expect(z.control.requests().at(-1)?.authorization).not.toContain('not-ours');
    }
  });

  it('mints one access token for the service user and sends it as bearer', async () => {
    const z = await zenoti();
    const api = createZenotiAxios(serviceUser(z.url));
    const responses = await Promise.all([api.get('/v1/centers'), api.get('/v1/guests/search')]);
    expect(responses.map((r) => r.status)).toEqual([200, 200]);
    expect(z.control.counters().token.password.ok).toBe(1);
    const sent = z.control.requests().filter((r) => r.path !== '/v1/tokens');
    expect(sent.map((r) => r.authorization)).toEqual([
      expect.stringMatching(/^bearer …/),
      sent[0]?.authorization,
    ]);
  });

  it('authenticates an existing axios instance that has no baseURL, for absolute Zenoti URLs', async () => {
    const z = await zenoti();
    const plain = axios.create();
    zenotiAuthInterceptor(plain, { apiKey: D.apiKey, baseUrl: z.url });
    expect((await plain.get(`${z.url}/v1/centers`)).status).toBe(200);
  });

  it("uses an end user's own token for requests that name their principal", async () => {
    const z = await zenoti();
    const auth = new ZenotiAuth(guestApp(z.url));
    const [alice, bob] = D.guests;
    if (!alice || !bob) throw new Error('demo seed has two guests');
    const aliceSession = await auth.login({ username: alice.username, password: alice.password });
    const bobSession = await auth.login({ username: bob.username, password: bob.password });
    const api = createZenotiAxios(auth);

    const own = await api.get<{ id: string }>(`/v1/guests/${alice.guestId}`, {
      zenoti: { principal: aliceSession.principal },
    });
    expect(own.status).toBe(200);
    expect(own.data.id).toBe(alice.guestId);
    const other = await rejection(
      api.get(`/v1/guests/${bob.guestId}`, { zenoti: { principal: aliceSession.principal } }),
    );
    expect(other.response?.status).toBe(403);
    const bobsOwn = await api.get(`/v1/guests/${bob.guestId}`, {
      zenoti: { principal: bobSession.principal },
    });
    expect(bobsOwn.status).toBe(200);
    expect(z.control.counters().token.total).toBe(2); // the two logins, nothing more
  });

  it('rejects with ERR_ZENOTI_AUTH carrying LOGIN_REQUIRED when no principal and no service user exist', async () => {
    const z = await zenoti();
    const api = createZenotiAxios(guestApp(z.url));
    const error = await rejection(api.get('/v1/centers'));
    expect(axios.isAxiosError(error)).toBe(true);
    expect(error).toMatchObject({
      code: ERR_ZENOTI_AUTH,
      message: expect.stringContaining('LOGIN_REQUIRED'),
    });
    expect(error.cause).toMatchObject({ name: 'ZenotiAuthError', code: 'LOGIN_REQUIRED' });
    expect(z.control.counters().resources.total).toBe(0);
  });
});
