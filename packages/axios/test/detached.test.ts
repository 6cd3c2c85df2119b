import { Agent, type ClientRequest } from 'node:http';
import { inspect } from 'node:util';
import { redact, redactAuthorization } from '@zenoti-auth/core';
import { AxiosError } from 'axios';
import { describe, expect, it } from 'vitest';
import { createZenotiAxios, ERR_ZENOTI_AUTH } from '../src/index.ts';
import { D, expectNoSecret, rejection, tokenApi, type Zenoti, zenoti } from './support.ts';

/** A keep-alive agent with one socket: every request reuses the same connection. Destroyed after `use`. */
async function withOneSocket<T>(use: (agent: Agent) => Promise<T>): Promise<T> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    return await use(agent);
  } finally {
    agent.destroy();
  }
}

/** The request the agent's one socket carries now, once it carries one (bounded wait). */
async function carried(agent: Agent): Promise<ClientRequest> {
  for (let i = 0; i < 200; i++) {
    const socket = Object.values(agent.sockets).flat()[0] as { _httpMessage?: ClientRequest } | undefined;
    if (socket?._httpMessage?.headersSent) return socket._httpMessage;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error('the socket carried no request');
}

/**
 * Runs `check` while another instance's API-key request (answered never) is in flight on `agent`'s
 * socket to `z`: what leads from an old error to that socket would show the key.
 */
async function whileAgentCarries(z: Zenoti, agent: Agent, check: () => void): Promise<void> {
  const other = createZenotiAxios({ apiKey: D.apiKey, baseUrl: z.url }, { httpAgent: agent });
  z.control.injectFault('resource', { kind: 'hang' });
  const stop = new AbortController();
  const next = other.get('/v1/centers', { signal: stop.signal }).catch(() => 'aborted');
  expect((await carried(agent)).getHeader('authorization')).toBe(`apikey ${D.apiKey}`);
  check();
  stop.abort();
  expect(await next).toBe('aborted');
}

describe('errors and responses lead to nothing live', () => {
  it('an old error shows no credential while its keep-alive socket carries the next request', async () => {
    const z = await zenoti();
    await withOneSocket(async (agent) => {
      const { api, token } = await tokenApi(z.url, { httpAgent: agent });
      z.control.injectFault('resource', { kind: 'status', status: 500 });
      const old = await rejection(api.get('/v1/centers'));
      z.control.injectFault('resource', { kind: 'hang' });
      const stop = new AbortController();
      const next = api.get('/v1/centers', { signal: stop.signal }).catch(() => 'aborted');
      const live = await carried(agent);
      // The setup really is the dangerous one: the old error's socket now sends the token again.
      expect(live.getHeader('authorization')).toBe(token);
      expectNoSecret(old, [token]);
      expect(old.request.getHeader('authorization')).toBe(redactAuthorization(token));
      expect(old.config?.httpAgent).toBe(agent); // still readable, only out of sight
      stop.abort();
      expect(await next).toBe('aborted');
    });
  });

  it('an AxiosError a later interceptor makes from a response shows no credential, even through the agent', async () => {
    const z = await zenoti();
    await withOneSocket(async (agent) => {
      const { api, token } = await tokenApi(z.url, { httpAgent: agent });
      api.interceptors.response.use((response) => {
        throw new AxiosError('unexpected payload', 'E_PAYLOAD', response.config, response.request, response);
      });
      const error = await rejection(api.get('/v1/centers'));
      expect(error.response?.status).toBe(200);
      expect(error.config?.headers.get('Authorization')).toBe(redactAuthorization(token));
      z.control.injectFault('resource', { kind: 'hang' });
      const stop = new AbortController();
      const next = api.get('/v1/centers', { signal: stop.signal }).catch(() => 'aborted');
      expect((await carried(agent)).getHeader('authorization')).toBe(token);
      expectNoSecret(error, [token]);
      stop.abort();
      expect(await next).toBe('aborted');
    });
  });

  it('a response shows our credential as a fingerprint, and its config still makes a working request', async () => {
    const z = await zenoti();
    const api = createZenotiAxios({ apiKey: D.apiKey, baseUrl: z.url });
    const res = await api.get('/v1/centers');
    expect(res.config.headers.get('Authorization')).toBe(redactAuthorization(`apikey ${D.apiKey}`));
    expect(res.request.getHeader('authorization')).toBe(redactAuthorization(`apikey ${D.apiKey}`));
    expect(inspect(res, { depth: Number.POSITIVE_INFINITY, showHidden: true })).not.toContain(D.apiKey);
    expect(JSON.stringify(res.config)).not.toContain(D.apiKey);
    const again = await api.request(res.config); // the fingerprint is replaced, never sent
    expect(again.status).toBe(200);
    expect(z.control.requests().map((r) => r.authorization)).toEqual(
      Array(2).fill(`apikey ${redact(D.apiKey)}`),
    );
  });
  it('the final error of a 401 that persists shows no credential while the agent carries another request', async () => {
    const z = await zenoti();
    await withOneSocket(async (agent) => {
      const { api, auth, token } = await tokenApi(z.url, { httpAgent: agent });
      z.control.injectFault('resource', { kind: 'status', status: 401 }, 2);
      const error = await rejection(api.get('/v1/centers'));
      expect(error.response?.status).toBe(401);
      expect(error.config?.zenoti?.retried).toBe(true);
      const second = await auth.authorization();
      await whileAgentCarries(z, agent, () => expectNoSecret(error, [token, second]));
    });
  });

  it('the error of a changed password shows no credential while the agent carries another request', async () => {
    const z = await zenoti();
    await withOneSocket(async (agent) => {
      const { api, token } = await tokenApi(z.url, { httpAgent: agent });
      z.control.setPassword(D.accountName, D.employee.username, 'Changed-Elsewhere-1');
      const error = await rejection(api.get('/v1/centers'));
      expect(error.code).toBe(ERR_ZENOTI_AUTH);
      expect(error.response?.status).toBe(401);
      await whileAgentCarries(z, agent, () => {
        expectNoSecret(error, [token]);
        expect(inspect(error, { depth: Number.POSITIVE_INFINITY, showHidden: true })).not.toContain(
          'Changed-Elsewhere-1',
        );
      });
    });
  });
  it('keeps stream data of an error readable but out of inspect, so it leads to no socket', async () => {
    const z = await zenoti();
    await withOneSocket(async (agent) => {
      const { api, token } = await tokenApi(z.url, { httpAgent: agent });
      z.control.injectFault('resource', { kind: 'status', status: 500 });
      const error = await rejection(api.get('/v1/centers', { responseType: 'stream' }));
      expect(error.response?.status).toBe(500);
      const data = error.response?.data as AsyncIterable<Buffer>;
      const chunks: Buffer[] = [];
      for await (const chunk of data) chunks.push(chunk);
      expect(Buffer.concat(chunks).length).toBeGreaterThan(0); // the body is still there to read
      await whileAgentCarries(z, agent, () => expectNoSecret(error, [token]));
    });
  });
});
