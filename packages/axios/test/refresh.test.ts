import { ZenotiAuth } from '@zenoti-auth/core';
import axios from 'axios';
import { describe, expect, it, vi } from 'vitest';
import { createZenotiAxios, zenotiAuthInterceptor } from '../src/index.ts';
import { D, serviceUser, TestClock, zenoti } from './support.ts';

const HOUR = 3_600_000;

describe('refresh', () => {
  it('makes one token call for 200 concurrent requests at token expiry, and all 200 succeed', async () => {
    const clock = new TestClock();
    const z = await zenoti({ now: clock.now });
    const api = createZenotiAxios(serviceUser(z.url, { now: clock.now }));
    await api.get('/v1/centers');
    z.control.resetCounters();
    clock.advance(24 * HOUR + 1_000); // past expiry
    const responses = await Promise.all(Array.from({ length: 200 }, () => api.get('/v1/centers')));
    expect(responses.map((r) => r.status)).toEqual(Array(200).fill(200));
    const counters = z.control.counters();
    expect(counters.token.total).toBe(1);
    expect(counters.token.refresh.ok).toBe(1);
    expect(counters.resources.byStatus).toEqual({ '200': 200 });
  });

  it('retries requests whose token a refresh killed in flight with the new token, without another token call', async () => {
    const clock = new TestClock();
    const z = await zenoti({ now: clock.now, accessTokenTtlMs: 60_000 });
    const auth = new ZenotiAuth(serviceUser(z.url, { now: clock.now }));
    const api = axios.create({ baseURL: z.url });
    let stamped = 0; // runs after the zenoti interceptor (axios runs request interceptors last-installed first)
    api.interceptors.request.use((config) => {
      if (config.headers.get('authorization')) stamped++;
      return config;
    });
    zenotiAuthInterceptor(api, auth);
    const old = await auth.authorization();
    z.control.setLatency(150, 'resource');
    const inFlight = Array.from({ length: 20 }, () => api.get('/v1/centers'));
    await vi.waitFor(() => expect(stamped).toBe(20)); // all 20 are on their way, carrying `old`
    clock.advance(50_000); // inside the refresh window: the next caller refreshes, which kills `old` at Zenoti
    const fresh = await auth.authorization();
    expect(fresh).not.toBe(old);
    const responses = await Promise.all(inFlight);
    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(200));
    const counters = z.control.counters();
    expect(counters.resources.byStatus).toEqual({ '401': 20, '200': 20 });
    expect(counters.token.password.ok).toBe(1);
    expect(counters.token.refresh.ok).toBe(1);
    expect(counters.token.total).toBe(2);
  });

  it('takes a 401 on a header a later interceptor put in place of ours as not about our token: no refresh', async () => {
    const z = await zenoti();
    const api = axios.create({ baseURL: z.url });
    // Registered first, so axios runs it after ours: it replaces our header with one of its own.
    api.interceptors.request.use((config) => {
      config.headers.Authorization = 'bearer not-a-zenoti-token';
      return config;
    });
    zenotiAuthInterceptor(api, serviceUser(z.url));
    const error = await api.get('/v1/centers').catch((e: unknown) => e);
    expect(axios.isAxiosError(error) && error.response?.status).toBe(401);
    const token = z.control.counters().token;
    expect(token.password.ok).toBe(1); // the sign-in for our own header
    expect(token.refresh.ok + token.refresh.rejected).toBe(0); // our live token was not given up
  });

  it('shares one token and one refresh between two axios instances built with the same credentials', async () => {
    const clock = new TestClock();
    const z = await zenoti({ now: clock.now, accessTokenTtlMs: 60_000 });
    // No `store` option: both engines use core's process-wide store, as an app would.
    const options = {
      baseUrl: z.url,
      app: { accountName: D.accountName, ...D.employeeApp },
      user: { ...D.employee },
      now: clock.now,
    };
    const first = createZenotiAxios(options);
    const second = createZenotiAxios({ ...options, user: { ...D.employee } });
    await Promise.all([first.get('/v1/centers'), second.get('/v1/centers')]);
    expect(z.control.counters().token.total).toBe(1);
    clock.advance(50_000); // inside the refresh window of both
    const responses = await Promise.all(
      Array.from({ length: 10 }, (_, i) => (i % 2 ? first : second).get('/v1/centers')),
    );
    expect(responses.every((r) => r.status === 200)).toBe(true);
    const counters = z.control.counters();
    expect(counters.token.password.ok).toBe(1);
    expect(counters.token.refresh.ok).toBe(1);
    expect(counters.token.total).toBe(2);
    expect(counters.resources.byStatus['401']).toBeUndefined();
    const sent = new Set(
      z.control
        .requests()
        .slice(-10)
        .map((r) => r.authorization),
    );
    expect(sent.size).toBe(1);
  });
});
