import { ZenotiAuthError, type ZenotiAuthErrorCode } from '@zenoti-auth/core';
import { ERROR_ANSWERS } from '@zenoti-auth/core/http';
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  isZenotiHTTPException,
  toHTTPException,
  type ZenotiAuthEnv,
  type ZenotiHTTPException,
  zenotiAuth,
} from '../src/index.ts';
import { zenotiProxy } from '../src/proxy.ts';
import { zenotiSignIn } from '../src/sign-in.ts';
import { D, guestApp, SECRETS, serviceUser, zenoti } from './support.ts';

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

describe('toHTTPException()', () => {
  it('maps every core code to its documented status, with core’s fixed public message and the error as cause', async () => {
    expect(TABLE.map(([code]) => code).sort()).toEqual(Object.keys(ERROR_ANSWERS).sort());
    for (const [code, status] of TABLE) {
      const error = new ZenotiAuthError(code, `details with ${D.apiKey} that must not leak`);
      const exception = toHTTPException(error);
      expect(exception).toBeInstanceOf(HTTPException);
      expect(exception.status, code).toBe(status);
      expect(exception.cause).toBe(error);
      const res = exception.getResponse();
      expect(res.status).toBe(status);
      expect(res.headers.get('content-type')).toBe('application/json');
      expect(res.headers.has('www-authenticate')).toBe(false);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe(code);
      expect(body.error.message).not.toContain(D.apiKey);
      // The one table of @zenoti-auth/core/http, the same texts as @zenoti-auth/nestjs's.
      expect(body.error.message).toBe(ERROR_ANSWERS[code][1]);
      expect(exception.message).toBe(body.error.message);
    }
  });

  it('adds Retry-After (whole seconds, rounded up) for RATE_LIMITED', () => {
    const error = new ZenotiAuthError('RATE_LIMITED', 'wait', { status: 429, retryAfterMs: 12_300 });
    expect(toHTTPException(error).getResponse().headers.get('retry-after')).toBe('13');
  });

  it('never sends Retry-After: 0 — a wait under a second (even Zenoti’s own 0) is 1 s', () => {
    for (const retryAfterMs of [0, 1, 999]) {
      const error = new ZenotiAuthError('RATE_LIMITED', 'wait', { status: 429, retryAfterMs });
      expect(toHTTPException(error).getResponse().headers.get('retry-after'), `${retryAfterMs} ms`).toBe('1');
    }
  });

  it('treats CREDENTIALS_REJECTED during sign-in as a wrong password: 401', async () => {
    const res = toHTTPException(new ZenotiAuthError('CREDENTIALS_REJECTED', 'no'), true).getResponse();
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({
      error: { code: 'CREDENTIALS_REJECTED', message: 'Wrong username or password.' },
    });
  });
});

describe('configuration errors', () => {
  it('name @zenoti-auth/hono and the option, in core’s one format', () => {
    const SECRET = 'a-session-secret-that-is-long-enough-0123';
    const cases: Array<[() => unknown, string, string]> = [
      [() => zenotiAuth(null as never), 'options', 'must be an object or a function'],
      [() => zenotiAuth({ auth: {} } as never), 'auth', 'must be a ZenotiAuth'],
      [() => zenotiAuth({ apiKey: D.apiKey, principal: 'x' } as never), 'principal', 'must be a function'],
      [() => zenotiProxy({ allow: [] }), 'allow', "must list 'METHOD /path' entries"],
      [
        () => zenotiProxy({ allow: ['GET /v1/centers'], prefix: 'api' }),
        'prefix',
        'must look like "/api/zenoti"',
      ],
      [
        () => zenotiProxy({ allow: ['GET /v1/centers'], forwardHeaders: ['cookie'] }),
        'forwardHeaders[0]',
        'names "cookie", which is never forwarded',
      ],
      [
        () => zenotiSignIn({ cookie: { secret: 'short' } }),
        'cookie.secret',
        'must be at least 32 characters (or bytes)',
      ],
      [
        () => zenotiSignIn({ cookie: { secret: SECRET }, limit: { perUsername: 0 } }),
        'limit.perUsername',
        'must be a positive integer',
      ],
      [
        () => zenotiSignIn({ cookie: { secret: SECRET, name: 'bad name;' } }),
        'cookie',
        'is not a valid cookie: invalid name',
      ],
    ];
    for (const [create, field, problem] of cases) {
      let error: unknown;
      try {
        create();
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ZenotiAuthError);
      expect(error).toMatchObject({
        code: 'INVALID_OPTIONS',
        field,
        message: `[@zenoti-auth/hono] Option "${field}" ${problem}.`,
      });
    }
  });
});

describe('request-time errors through app.request()', () => {
  async function call(app: Hono<ZenotiAuthEnv>): Promise<{ status: number; text: string; headers: Headers }> {
    const res = await app.request('/centers');
    return { status: res.status, text: await res.text(), headers: res.headers };
  }
  function appWith(middleware: ReturnType<typeof zenotiAuth>): Hono<ZenotiAuthEnv> {
    const app = new Hono<ZenotiAuthEnv>();
    app.use(middleware);
    app.get('/centers', async (c) => c.json(await (await c.var.zenoti.fetch('/v1/centers')).json()));
    return app;
  }

  it('LOGIN_REQUIRED → 401 (guest app, nobody signed in)', async () => {
    const z = await zenoti();
    const answer = await call(appWith(zenotiAuth(guestApp(z.url))));
    expect(answer.status).toBe(401);
    expect(JSON.parse(answer.text)).toEqual({
      error: {
        code: 'LOGIN_REQUIRED',
        message: 'Sign-in required: the Zenoti session has ended or never began.',
      },
    });
  });

  it('CREDENTIALS_REJECTED → 502 (the server’s service user password is wrong), no secret in the body', async () => {
    const z = await zenoti();
    const options = serviceUser(z.url, {
      user: { username: D.employee.username, password: 'wrong-password-x' },
    });
    const answer = await call(appWith(zenotiAuth(options)));
    expect(answer.status).toBe(502);
    expect(JSON.parse(answer.text)).toMatchObject({ error: { code: 'CREDENTIALS_REJECTED' } });
    for (const secret of [...SECRETS, 'wrong-password-x']) expect(answer.text).not.toContain(secret);
  });

  it('TOKEN_ENDPOINT → 502 and TIMEOUT → 504', async () => {
    const z = await zenoti();
    z.control.injectFault('token', { kind: 'status', status: 500 }, 2);
    const fast = { retry: { retries: 1, minDelayMs: 1, maxDelayMs: 2, deadlineMs: 2_000 } };
    expect((await call(appWith(zenotiAuth(serviceUser(z.url, fast))))).status).toBe(502);
    z.control.injectFault('token', { kind: 'hang' }, 1);
    const slow = { timeoutMs: 200, retry: { retries: 0, deadlineMs: 300 } };
    const answer = await call(appWith(zenotiAuth(serviceUser(z.url, slow))));
    expect(answer.status).toBe(504);
    expect(JSON.parse(answer.text)).toMatchObject({ error: { code: 'TIMEOUT' } });
  });

  it('UNAUTHORIZED → 502 (Zenoti rejects the API key)', async () => {
    const z = await zenoti();
    z.control.revokeApiKey(D.apiKey);
    const answer = await call(appWith(zenotiAuth({ baseUrl: z.url, apiKey: D.apiKey })));
    expect(answer.status).toBe(502);
    expect(JSON.parse(answer.text)).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
    expect(answer.text).not.toContain(D.apiKey);
  });
});

describe('isZenotiHTTPException()', () => {
  it('recognises every answer of the adapter, typed: code and the ZenotiAuthError as cause', async () => {
    const z = await zenoti();
    const seen: unknown[] = [];
    const signIn = zenotiSignIn({
      cookie: { secret: 'test-session-secret-0123456789abcdef', secure: false },
    });
    const app = new Hono<ZenotiAuthEnv>();
    app.use(zenotiAuth(guestApp(z.url)));
    app.get('/centers', async (c) => {
      try {
        return c.json(await (await c.var.zenoti.fetch('/v1/centers')).json());
      } catch (error) {
        seen.push(error);
        if (!isZenotiHTTPException(error)) throw error;
        // Narrowed without a cast: what a handler needs to decide.
        expectTypeOf(error).toEqualTypeOf<ZenotiHTTPException>();
        expectTypeOf(error.cause).toEqualTypeOf<ZenotiAuthError | undefined>();
        expectTypeOf(error.code).toExtend<string>();
        return c.json({ code: error.code, cause: error.cause?.code }, error.status);
      }
    });
    app.all('/api/zenoti/*', zenotiProxy({ prefix: '/api/zenoti', allow: ['GET /v1/centers'] }));
    app.post('/auth/login', signIn.login);
    app.onError((error, c) => {
      seen.push(error);
      return c.text('answered', 500);
    });

    // From c.var.zenoti.fetch: core's LOGIN_REQUIRED (a guest app, nobody signed in).
    const caught = await app.request('/centers');
    expect(caught.status).toBe(401);
    expect(await caught.json()).toEqual({ code: 'LOGIN_REQUIRED', cause: 'LOGIN_REQUIRED' });
    // The proxy's and the sign-in's own answers: the adapter's codes, no cause.
    await app.request('/api/zenoti/v1/tokens');
    await app.request('/auth/login', { method: 'POST', headers: { origin: 'https://elsewhere.example' } });
    expect(seen.map((e) => isZenotiHTTPException(e) && [e.status, e.code, e.cause?.code])).toEqual([
      [401, 'LOGIN_REQUIRED', 'LOGIN_REQUIRED'],
      [404, 'NOT_FOUND', undefined],
      [403, 'CROSS_SITE', undefined],
    ]);
    expect(seen.every((e) => e instanceof HTTPException)).toBe(true);
  });

  it('is false for anything else: your own HTTPException, a ZenotiAuthError, a look-alike', () => {
    const others = [
      new HTTPException(502, { message: 'ZenotiHTTPException' }),
      new ZenotiAuthError('NETWORK', 'down'),
      new Error('ZenotiHTTPException'),
      { name: 'ZenotiHTTPException', code: 'NETWORK', status: 503 },
      undefined,
      null,
      'ZenotiHTTPException',
    ];
    for (const other of others) expect(isZenotiHTTPException(other), String(other)).toBe(false);
    expect(isZenotiHTTPException(toHTTPException(new ZenotiAuthError('NETWORK', 'down')))).toBe(true);
  });
});
