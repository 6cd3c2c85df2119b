import { Readable } from 'node:stream';
import { ZenotiAuth } from '@zenoti-auth/core';
import axios from 'axios';
import { describe, expect, it } from 'vitest';
import { createZenotiAxios, ERR_ZENOTI_AUTH } from '../src/index.ts';
import { D, httpServer, rejection, serviceUser, zenoti } from './support.ts';

describe('401 handling', () => {
  it('retries exactly once when a 401 persists, then rejects with the 401 AxiosError', async () => {
    const z = await zenoti();
    const api = createZenotiAxios(serviceUser(z.url));
    await api.get('/v1/centers');
    z.control.resetCounters();
    z.control.injectFault('resource', { kind: 'status', status: 401 }, 1_000);
    const error = await rejection(api.get('/v1/centers'));
    expect(axios.isAxiosError(error)).toBe(true);
    expect(error.response?.status).toBe(401);
    expect(error.config?.zenoti?.retried).toBe(true);
    expect(z.control.counters().resources.total).toBe(2);
    expect(z.control.counters().token.total).toBe(1); // one refresh for the rejected token
  });

  it('does not refresh again for further 401s on a token that was never accepted', async () => {
    const z = await zenoti();
    const api = createZenotiAxios(serviceUser(z.url));
    await api.get('/v1/centers');
    z.control.resetCounters();
    z.control.injectFault('resource', { kind: 'status', status: 401 }, 1_000);
    await rejection(api.get('/v1/centers'));
    const errors = await Promise.all(Array.from({ length: 10 }, () => rejection(api.get('/v1/centers'))));
    expect(errors.map((e) => e.response?.status)).toEqual(Array(10).fill(401));
    const counters = z.control.counters();
    expect(counters.token.total).toBe(1);
    expect(counters.resources.total).toBeLessThanOrEqual(2 + 10 * 2);
  });

  it('does not retry a request that carries the retried mark the interceptor puts on its own retry', async () => {
    const z = await zenoti();
    const api = createZenotiAxios(serviceUser(z.url));
    await api.get('/v1/centers');
    z.control.expireAccessTokens();
    z.control.resetCounters();
    const error = await rejection(api.get('/v1/centers', { zenoti: { retried: true } }));
    expect(error.response?.status).toBe(401);
    expect(z.control.counters().resources.total).toBe(1);
    expect(z.control.counters().token.total).toBe(0);
  });

  it('answers a 401 on the API key without a retry: there is no other key to try', async () => {
    const z = await zenoti();
    const api = createZenotiAxios({ apiKey: D.apiKey, baseUrl: z.url });
    z.control.injectFault('resource', { kind: 'status', status: 401 }, 1_000);
    const error = await rejection(api.get('/v1/centers'));
    expect(error.response?.status).toBe(401);
    expect(z.control.counters().resources.total).toBe(1);
  });

  it('gives up without looping when the token endpoint keeps failing with 500', async () => {
    const z = await zenoti();
    const api = createZenotiAxios(
      serviceUser(z.url, { retry: { retries: 2, minDelayMs: 1, maxDelayMs: 5 } }),
    );
    await api.get('/v1/centers');
    z.control.resetCounters();
    z.control.expireAccessTokens();
    z.control.injectFault('token', { kind: 'status', status: 500 }, Number.POSITIVE_INFINITY);
    const error = await rejection(api.get('/v1/centers'));
    expect(error.code).toBe(ERR_ZENOTI_AUTH);
    expect(error.message).toContain('TOKEN_ENDPOINT');
    expect(error.cause).toMatchObject({ name: 'ZenotiAuthError', code: 'TOKEN_ENDPOINT', status: 500 });
    expect(error.response?.status).toBe(401); // the 401 that started it
    const counters = z.control.counters();
    expect(counters.token.total).toBe(3); // one attempt + 2 retries, core's budget
    expect(counters.resources.total).toBe(1);
  });

  it('fails fast with CREDENTIALS_REJECTED after a password change, without a token call per request', async () => {
    const z = await zenoti();
    const auth = new ZenotiAuth(serviceUser(z.url));
    const api = createZenotiAxios(auth);
    await api.get('/v1/centers');
    z.control.resetCounters();
    z.control.setPassword(D.accountName, D.employee.username, 'Changed-Elsewhere-1');
    const first = await rejection(api.get('/v1/centers'));
    expect(first.code).toBe(ERR_ZENOTI_AUTH);
    expect(first.cause).toMatchObject({ code: 'CREDENTIALS_REJECTED' });
    const tokenCalls = z.control.counters().token.total;
    expect(tokenCalls).toBeLessThanOrEqual(2); // refresh refused, then one password grant refused
    const more = await Promise.all(Array.from({ length: 20 }, () => rejection(api.get('/v1/centers'))));
    expect(more.every((e) => e.code === ERR_ZENOTI_AUTH && e.message.includes('CREDENTIALS_REJECTED'))).toBe(
      true,
    );
    expect(z.control.counters().token.total).toBe(tokenCalls);
    expect(z.control.counters().resources.total).toBe(1);
  });

  it('retries a POST with its JSON body and headers intact', async () => {
    const z = await zenoti();
    const bodies: string[] = [];
    const upstream = await httpServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      req.on('end', () => {
        bodies.push(body);
        res.writeHead(bodies.length === 1 ? 401 : 201, { 'content-type': 'application/json' }).end(body);
      });
    });
    const api = createZenotiAxios(serviceUser(z.url, { allowedOrigins: [upstream.url] }));
    const res = await api.post(
      `${upstream.url}/v1/appointments`,
      { guest: 'alice', slots: [1, 2] },
      {
        headers: { 'x-request-id': 'r-1' },
      },
    );
    expect(res.status).toBe(201);
    expect(res.data).toEqual({ guest: 'alice', slots: [1, 2] });
    expect(bodies).toEqual(Array(2).fill('{"guest":"alice","slots":[1,2]}'));
    const [first, second] = upstream.seen;
    expect(second?.['x-request-id']).toBe('r-1');
    expect(second?.['content-type']).toBe('application/json');
    expect(first?.authorization).toMatch(/^bearer /);
    expect(second?.authorization).toMatch(/^bearer /);
    expect(second?.authorization).not.toBe(first?.authorization);
    expect(z.control.counters().token.total).toBe(2); // login, then one refresh after the 401
  });

  it('retries a 401 that validateStatus lets through, and resolves with the retried response', async () => {
    const z = await zenoti();
    const api = createZenotiAxios(serviceUser(z.url), { validateStatus: () => true });
    await api.get('/v1/centers');
    z.control.expireAccessTokens();
    const res = await api.get('/v1/centers');
    expect(res.status).toBe(200);
    expect(res.config.zenoti?.retried).toBe(true);
    expect(z.control.counters().resources.byStatus).toEqual({ '200': 2, '401': 1 });
  });
  it('does not retry a 401 whose body was a stream, and says why in the 401 error', async () => {
    const z = await zenoti();
    const bodies: string[] = [];
    const upstream = await httpServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      req.on('end', () => {
        bodies.push(body);
        res.writeHead(bodies.length === 1 ? 401 : 201).end();
      });
    });
    const api = createZenotiAxios(serviceUser(z.url, { allowedOrigins: [upstream.url] }));
    const error = await rejection(
      api.post(`${upstream.url}/v1/uploads`, Readable.from(['chunk-1,', 'chunk-2']), {
        headers: { 'content-type': 'text/plain' },
      }),
    );
    expect(error.response?.status).toBe(401);
    expect(error.message).toBe(
      'Request failed with status code 401 (not retried: its body is a stream, already consumed)',
    );
    expect(error.config?.zenoti?.retried).toBeUndefined();
    expect(bodies).toEqual(['chunk-1,chunk-2']); // sent once, never again empty
    expect(z.control.counters().token.total).toBe(2); // the rejected token was still replaced
    const next = await api.post(`${upstream.url}/v1/uploads`, 'again');
    expect(next.status).toBe(201);
    expect(upstream.seen[1]?.authorization).not.toBe(upstream.seen[0]?.authorization);
  });

  it('retries a 401 with a body axios can send again: Buffer, URLSearchParams, FormData', async () => {
    const z = await zenoti();
    const bodies: string[] = [];
    const upstream = await httpServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      req.on('end', () => {
        bodies.push(body);
        res.writeHead(bodies.length % 2 === 1 ? 401 : 201).end();
      });
    });
    const api = createZenotiAxios(serviceUser(z.url, { allowedOrigins: [upstream.url] }));
    const form = new FormData();
    form.append('note', 'hello');
    for (const data of [Buffer.from('buffer-body'), new URLSearchParams({ a: '1' }), form]) {
      const res = await api.post(`${upstream.url}/v1/notes`, data);
      expect(res.status).toBe(201);
      expect(res.config.zenoti?.retried).toBe(true);
    }
    expect(bodies).toHaveLength(6);
    // A FormData is serialised afresh, with a new multipart boundary: the rest is the same.
    const same = bodies.map((body) => body.replace(/boundary-[\w-]+/g, 'boundary'));
    for (let i = 0; i < 6; i += 2) expect(same[i + 1]).toBe(same[i]);
    expect(bodies[0]).toBe('buffer-body');
    expect(bodies[2]).toBe('a=1');
    expect(bodies[4]).toContain('hello');
  });
});
