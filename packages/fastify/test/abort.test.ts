import { isZenotiAuthError, MemoryTokenStore, type ZenotiAuthOptions } from '@zenoti-auth/core';
import { describe, expect, it, vi } from 'vitest';
import { zenotiAuth, zenotiErrorHandler } from '../src/index.ts';
import { D, fastify, listen, serviceUser, until, watchedMock } from './support.ts';

// The client's abort reaches Zenoti: request.zenoti passes the request's signal to every call, and
// that signal fires when the response closes unfinished — not on the request's 'close', which Node
// emits as soon as the request body has been read.

/** GET /centers (waits on Zenoti) and POST /echo (Fastify reads a JSON body, then waits on Zenoti). */
async function app(options: ZenotiAuthOptions, thrown: unknown[]) {
  const server = fastify();
  await server.register(zenotiAuth, options);
  server.setErrorHandler(zenotiErrorHandler());
  server.get('/centers', async (request, reply) => {
    try {
      const answer = await request.zenoti.fetch('/v1/centers');
      return reply.code(answer.status).send(await answer.json());
    } catch (error) {
      thrown.push(error);
      throw error;
    }
  });
  server.post('/echo', async (request) => {
    const answer = await request.zenoti.fetch('/v1/centers');
    await answer.arrayBuffer();
    return { status: answer.status, body: request.body, aborted: request.zenoti.signal.aborted };
  });
  return listen(server);
}

describe('the client leaving (real HTTP)', () => {
  it('ends the Zenoti call it waits on: the mock sees the request abandoned, the route gets ABORTED', async () => {
    const z = await watchedMock();
    const modes: Array<[string, ZenotiAuthOptions]> = [
      ['API key', { baseUrl: z.url, apiKey: D.apiKey, store: new MemoryTokenStore() }],
      ['token', serviceUser(z.url)],
    ];
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    for (const [mode, options] of modes) {
      const thrown: unknown[] = [];
      const url = await app(options, thrown);
      expect((await fetch(`${url}/centers`)).status, mode).toBe(200); // the credential is at hand
      z.control.setLatency(5_000, 'resource');
      const before = z.control.counters().resources.total;
      const leaving = new AbortController();
      const gone = fetch(`${url}/centers`, { signal: leaving.signal }).catch((e: unknown) => e);
      expect(await until(() => z.control.counters().resources.total > before), mode).toBe(true);
      expect(z.abandoned, mode).toEqual([]);
      leaving.abort();
      expect(await gone, mode).toMatchObject({ name: 'AbortError' });
      // Zenoti's side: its connection closed before it answered (the 5 s latency never ran out).
      expect(await until(() => z.abandoned.length === 1), mode).toBe(true);
      expect(z.abandoned, mode).toEqual(['/v1/centers']);
      expect(await until(() => thrown.length === 1), mode).toBe(true);
      expect(isZenotiAuthError(thrown[0]) && thrown[0].code, mode).toBe('ABORTED');
      z.abandoned.length = 0;
      z.control.setLatency(0, 'resource');
    }
    expect(logged).not.toHaveBeenCalled();
    logged.mockRestore();
  });

  it('does not take a request whose body has been read for a client that left', async () => {
    const z = await watchedMock();
    const url = await app(serviceUser(z.url), []);
    z.control.setLatency(300, 'resource');
    const res = await fetch(`${url}/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ hello: 'zenoti' }),
    });
    expect(await res.json()).toEqual({ status: 200, body: { hello: 'zenoti' }, aborted: false });
    expect(z.abandoned).toEqual([]);
  });
});
