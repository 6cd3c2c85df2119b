import { Controller, Get, type INestApplication, Inject, Module } from '@nestjs/common';
import { APP_FILTER, HttpAdapterHost, NestFactory } from '@nestjs/core';
import {
  MemoryTokenStore,
  type ZenotiAuth,
  ZenotiAuthError,
  type ZenotiAuthErrorCode,
} from '@zenoti-auth/core';
import { ERROR_ANSWERS } from '@zenoti-auth/core/http';
import { InjectZenotiAuth, ZenotiAuthModule } from '@zenoti-auth/nestjs';
import {
  ZENOTI_AUTH_ERROR_STATUS,
  ZenotiAuthException,
  ZenotiAuthExceptionFilter,
} from '@zenoti-auth/nestjs/errors';
import { ZenotiHttpModule, ZenotiHttpService } from '@zenoti-auth/nestjs/http';
import { firstValueFrom } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { closeAfterTest, D, SECRETS, serviceUser, zenoti } from './support.ts';

describe('ZenotiAuthException', () => {
  it.each(Object.entries(ZENOTI_AUTH_ERROR_STATUS))('%s → HTTP %i with a fixed message', (code, status) => {
    const cause = new ZenotiAuthError(code as ZenotiAuthErrorCode, `upstream said ${D.employee.password}`);
    const exception = new ZenotiAuthException(cause);
    expect(exception.getStatus()).toBe(status);
    expect(exception.code).toBe(code);
    expect(exception.cause).toBe(cause);
    const body = JSON.stringify(exception.getResponse());
    expect(body).not.toContain(D.employee.password);
    expect(body).not.toContain('upstream said');
    // The one table of @zenoti-auth/core/http, the same texts as @zenoti-auth/hono's.
    expect(JSON.parse(body)).toMatchObject({
      statusCode: status,
      code,
      message: ERROR_ANSWERS[code as ZenotiAuthErrorCode][1],
    });
  });

  it('documents the statuses the README table shows (one per code of core)', () => {
    expect(Object.keys(ZENOTI_AUTH_ERROR_STATUS).sort()).toEqual(Object.keys(ERROR_ANSWERS).sort());
    expect(ZENOTI_AUTH_ERROR_STATUS).toEqual({
      LOGIN_REQUIRED: 401,
      RATE_LIMITED: 429,
      CREDENTIALS_REJECTED: 502,
      LOGIN_BLOCKED: 502,
      ACCOUNT_LOCKED: 502,
      UNAUTHORIZED: 502,
      TOKEN_ENDPOINT: 502,
      INVALID_RESPONSE: 502,
      NETWORK: 503,
      STORE: 503,
      ABORTED: 503,
      TIMEOUT: 504,
      INVALID_OPTIONS: 500,
    });
  });

  it('from() unwraps a cause and ignores other errors', () => {
    const cause = new ZenotiAuthError('RATE_LIMITED', 'slow down', { retryAfterMs: 1_500 });
    const exception = ZenotiAuthException.from(new Error('wrapped', { cause }));
    expect(exception?.retryAfterSeconds).toBe(2);
    expect(exception?.getResponse()).toMatchObject({ retryAfterSeconds: 2, code: 'RATE_LIMITED' });
    expect(ZenotiAuthException.from(new Error('plain'))).toBeUndefined();
  });
});

@Controller()
class ProbeController {
  constructor(
    @InjectZenotiAuth() private readonly zenoti: ZenotiAuth,
    @Inject(ZenotiHttpService) private readonly http: ZenotiHttpService,
  ) {}

  @Get('fetch')
  async viaFetch(): Promise<unknown> {
    return (await this.zenoti.fetch('/v1/centers')).json();
  }

  @Get('http')
  async viaHttpService(): Promise<unknown> {
    return (await firstValueFrom(this.http.get('/v1/centers'))).data;
  }

  @Get('plain')
  plain(): never {
    throw new Error('not a Zenoti error');
  }
}

type Registration = 'useGlobalFilters(adapter)' | 'useGlobalFilters()' | 'APP_FILTER';

async function probeApp(
  options: ConstructorParameters<typeof ZenotiAuth>[0],
  how: Registration,
): Promise<string> {
  @Module({
    imports: [ZenotiAuthModule.forRoot({ ...options, isGlobal: true }), ZenotiHttpModule.register()],
    controllers: [ProbeController],
    providers: how === 'APP_FILTER' ? [{ provide: APP_FILTER, useClass: ZenotiAuthExceptionFilter }] : [],
  })
  class ProbeModule {}
  const app: INestApplication = await NestFactory.create(ProbeModule, { logger: false });
  if (how === 'useGlobalFilters(adapter)')
    app.useGlobalFilters(new ZenotiAuthExceptionFilter(app.get(HttpAdapterHost)));
  if (how === 'useGlobalFilters()') app.useGlobalFilters(new ZenotiAuthExceptionFilter());
  await app.listen(0, '127.0.0.1');
  closeAfterTest(app);
  return (await app.getUrl()).replace('[::1]', '127.0.0.1');
}

async function get(url: string): Promise<{ status: number; retryAfter: string | null; text: string }> {
  const res = await fetch(url);
  return { status: res.status, retryAfter: res.headers.get('retry-after'), text: await res.text() };
}

function expectNoSecret(text: string): void {
  for (const secret of SECRETS) expect(text).not.toContain(secret);
  expect(text).not.toContain('AN:'); // the mock's access and refresh tokens start with "AN:<account>|"
}

describe.each<Registration>(['useGlobalFilters(adapter)', 'useGlobalFilters()', 'APP_FILTER'])(
  'ZenotiAuthExceptionFilter registered with %s (real HTTP, platform-express)',
  (how) => {
    it('a rejected password → 502 CREDENTIALS_REJECTED, from fetch() and from ZenotiHttpService', async () => {
      const mock = await zenoti();
      const url = await probeApp(
        serviceUser(mock.url, { user: { username: D.employee.username, password: 'wrong-Pass-1' } }),
        how,
      );
      for (const path of ['/fetch', '/http']) {
        const res = await get(`${url}${path}`);
        expect(res.status).toBe(502);
        expect(JSON.parse(res.text)).toEqual({
          statusCode: 502,
          error: 'Bad Gateway',
          code: 'CREDENTIALS_REJECTED',
          message: "Zenoti rejected this service's credentials.",
        });
        expectNoSecret(res.text);
        expect(res.text).not.toContain('wrong-Pass-1');
      }
    });

    it('a blocked login policy → 502 LOGIN_BLOCKED; a locked account → 502 ACCOUNT_LOCKED (safe, fixed messages)', async () => {
      const blocked = await zenoti();
      blocked.control.setLoginPolicy(D.accountName, D.employee.username, {
        allowLogin: false,
        policyAction: 'TwoFactor',
      });
      const locked = await zenoti({ lockout: { attempts: 1 } });
      for (const [mock, user, code, message] of [
        [blocked, D.employee, 'LOGIN_BLOCKED', "Zenoti's login policy blocks this service's user."],
        [
          locked,
          { username: D.employee.username, password: 'wrong-Pass-1' },
          'ACCOUNT_LOCKED',
          "Zenoti locked this service's user after too many wrong passwords.",
        ],
      ] as const) {
        const url = await probeApp(serviceUser(mock.url, { user: { ...user } }), how);
        const res = await get(`${url}/http`);
        expect(res.status).toBe(502);
        expect(JSON.parse(res.text)).toEqual({ statusCode: 502, error: 'Bad Gateway', code, message });
        expectNoSecret(res.text);
      }
    });

    it('a 429 past the wait budget → 429 with Retry-After', async () => {
      const mock = await zenoti();
      mock.control.injectFault(
        'token',
        { kind: 'status', status: 429, headers: { 'Retry-After': '120' } },
        5,
      );
      const url = await probeApp(serviceUser(mock.url), how);
      const res = await get(`${url}/http`);
      expect(res.status).toBe(429);
      expect(res.retryAfter).toBe('120');
      expect(JSON.parse(res.text)).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: 120 });
      expectNoSecret(res.text);
    });

    it('Zenoti unreachable → 503 NETWORK; an end user without a session → 401 LOGIN_REQUIRED', async () => {
      const noUser = await probeApp(
        {
          baseUrl: 'http://127.0.0.1:1',
          app: { accountName: D.accountName, ...D.employeeApp },
          store: new MemoryTokenStore(),
        },
        how,
      );
      const res = await get(`${noUser}/fetch`);
      expect(res.status).toBe(401);
      expect(JSON.parse(res.text)).toMatchObject({ code: 'LOGIN_REQUIRED' });
      const unreachable = await probeApp(serviceUser('http://127.0.0.1:1', { retry: { retries: 0 } }), how);
      const net = await get(`${unreachable}/http`);
      expect(net.status).toBe(503);
      expect(JSON.parse(net.text)).toMatchObject({ code: 'NETWORK' });
      expectNoSecret(net.text);
    });

    it('leaves other errors to Nest (500 without Zenoti details)', async () => {
      const mock = await zenoti();
      const url = await probeApp({ baseUrl: mock.url, apiKey: D.apiKey }, how);
      const res = await get(`${url}/plain`);
      expect(res.status).toBe(500);
      expect(JSON.parse(res.text)).toEqual({ statusCode: 500, message: 'Internal server error' });
    });
  },
);
