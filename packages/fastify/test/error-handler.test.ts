import { Writable } from 'node:stream';
import { ZenotiAuthError, type ZenotiAuthErrorCode } from '@zenoti-auth/core';
import { ERROR_ANSWERS } from '@zenoti-auth/core/http';
import type { FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import { type ZenotiErrorLog, zenotiErrorHandler } from '../src/index.ts';
import { D, fastify, listen } from './support.ts';

/** Every core code and the status `@zenoti-auth/core/http` gives it. */
const TABLE: Array<[ZenotiAuthErrorCode, number]> = [
  ['LOGIN_REQUIRED', 401],
  ['RATE_LIMITED', 429],
  ['CREDENTIALS_REJECTED', 502],
  ['LOGIN_BLOCKED', 502],
  ['ACCOUNT_LOCKED', 502],
  ['UNAUTHORIZED', 502],
  ['INVALID_RESPONSE', 502],
  ['TOKEN_ENDPOINT', 502],
  ['NETWORK', 503],
  ['STORE', 503],
  ['ABORTED', 503],
  ['TIMEOUT', 504],
  ['INVALID_OPTIONS', 500],
];

/** GET /fail/:code throws that ZenotiAuthError (its message holds a secret); GET /other a plain Error. */
function failingRoutes(app: FastifyInstance): void {
  app.get<{ Params: { code: ZenotiAuthErrorCode } }>('/fail/:code', async (request) => {
    const { code } = request.params;
    throw new ZenotiAuthError(
      code,
      `details with ${D.apiKey}`,
      code === 'RATE_LIMITED' ? { retryAfterMs: 12_300 } : {},
    );
  });
  app.get('/other', async () => {
    throw new Error('not ours');
  });
}

/** Fastify's pino logger writing its JSON lines into `lines`. */
function capturedLogger(lines: Array<Record<string, unknown>>) {
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { level: 'info', stream };
}

describe('zenotiErrorHandler() (real HTTP)', () => {
  it("answers every core code with @zenoti-auth/core/http's status and fixed message, never the error's words", async () => {
    expect(TABLE.map(([code]) => code).sort()).toEqual(Object.keys(ERROR_ANSWERS).sort());
    const logged: string[] = [];
    const app = fastify();
    app.setErrorHandler(
      zenotiErrorHandler({ onError: (e: ZenotiErrorLog) => logged.push(`${e.status} ${e.code}`) }),
    );
    failingRoutes(app);
    const url = await listen(app);
    for (const [code, status] of TABLE) {
      const res = await fetch(`${url}/fail/${code}`);
      const text = await res.text();
      expect(res.status, code).toBe(status);
      expect(res.headers.get('content-type'), code).toMatch(/^application\/json/);
      expect(JSON.parse(text), code).toEqual({ error: { code, message: ERROR_ANSWERS[code][1] } });
      expect(text).not.toContain(D.apiKey);
      expect(res.headers.get('retry-after'), code).toBe(code === 'RATE_LIMITED' ? '13' : null);
    }
    // Told of every 5xx (the body says only a fixed message), of no 4xx.
    expect(logged).toEqual(TABLE.filter(([, s]) => s >= 500).map(([code, s]) => `${s} ${code}`));
  });

  it("throws other errors on to the parent context's error handler", async () => {
    const app = fastify();
    app.setErrorHandler((error: Error, _request, reply) => reply.code(599).send(`parent: ${error.message}`));
    await app.register(async (child) => {
      child.setErrorHandler(zenotiErrorHandler());
      failingRoutes(child);
    });
    const url = await listen(app);
    const other = await fetch(`${url}/other`);
    expect([other.status, await other.text()]).toEqual([599, 'parent: not ours']);
    expect((await fetch(`${url}/fail/NETWORK`)).status).toBe(503); // its own errors it answers
  });

  it("by default logs a 5xx through the request's logger: safe fields, the request id, no secret; none for ABORTED or a 4xx", async () => {
    const lines: Array<Record<string, unknown>> = [];
    const app = fastify({ logger: capturedLogger(lines) });
    app.setErrorHandler(zenotiErrorHandler());
    app.get<{ Params: { code: ZenotiAuthErrorCode } }>('/fail/:code', async (request) => {
      throw new ZenotiAuthError(request.params.code, 'Zenoti could not be reached.');
    });
    const url = await listen(app);
    for (const code of ['NETWORK', 'ABORTED', 'LOGIN_REQUIRED'])
      await fetch(`${url}/fail/${code}?token=${D.apiKey}`);
    const errors = lines.filter((line) => line.level === 50);
    expect(errors).toEqual([
      expect.objectContaining({
        msg: '[@zenoti-auth/core] Zenoti could not be reached.',
        zenoti: { status: 503, code: 'NETWORK' },
        reqId: expect.any(String),
      }),
    ]);
    expect(JSON.stringify(errors)).not.toContain(D.apiKey);
  });

  it('a bad option is INVALID_OPTIONS at once', () => {
    expect(() => zenotiErrorHandler({ onError: 'log' as never })).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTIONS', field: 'onError' }),
    );
  });
});
