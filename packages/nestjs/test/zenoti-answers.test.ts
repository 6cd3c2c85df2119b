import { HttpService } from '@nestjs/axios';
import { Controller, Get, Inject, Logger, type LoggerService, Module, Param, Query } from '@nestjs/common';
import { APP_FILTER, NestFactory } from '@nestjs/core';
import { MemoryTokenStore } from '@zenoti-auth/core';
import { ZenotiAuthModule } from '@zenoti-auth/nestjs';
import { ZenotiAuthExceptionFilter, ZenotiResponseException } from '@zenoti-auth/nestjs/errors';
import { ZenotiHttpModule, ZenotiHttpService } from '@zenoti-auth/nestjs/http';
import axios from 'axios';
import { firstValueFrom } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { closeAfterTest, D, SECRETS, zenoti } from './support.ts';

/** Every line Nest's Logger was given, as `<level> <context> <message>` (Nest passes the context last). */
class CapturingLogger implements LoggerService {
  readonly lines: string[] = [];
  #add =
    (level: string) =>
    (message: unknown, ...rest: unknown[]) =>
      this.lines.push(`${level} ${String(rest.at(-1))} ${String(message)}`);
  log = this.#add('log');
  warn = this.#add('warn');
  error = this.#add('error');
  debug = this.#add('debug');
  verbose = this.#add('verbose');
}

afterEach(() => {
  Logger.overrideLogger(false);
});

/** A plain `HttpService` on its own axios instance: calls to Zenoti not made through `ZenotiHttpService`. */
const OTHER_HTTP = 'OtherHttpService';

@Controller()
class GuestsController {
  constructor(
    @Inject(ZenotiHttpService) private readonly http: ZenotiHttpService,
    @Inject(OTHER_HTTP) private readonly other: HttpService,
  ) {}

  /** Zenoti's guest, as a real app would pass it on (no error handling of its own). */
  @Get('guests/:id')
  async guest(@Param('id') id: string, @Query('skip') skip?: string): Promise<unknown> {
    const config = skip === undefined ? {} : { zenoti: { skip: true } };
    return (await firstValueFrom(this.http.get(`/v1/guests/${id}`, config))).data;
  }

  /** A page of guests: Zenoti answers 400 to a size over 100. */
  @Get('search')
  async search(@Query('size') size: string, @Query('email') email: string): Promise<unknown> {
    return (await firstValueFrom(this.http.get('/v1/guests/search', { params: { size, email } }))).data;
  }

  /** The same call without zenoti-auth: its axios error is not the filter's. */
  @Get('other/:id')
  async viaOther(@Param('id') id: string): Promise<unknown> {
    return (await firstValueFrom(this.other.get(`/v1/guests/${id}`))).data;
  }
}

/** A Nest app (platform-express) calling Zenoti at `baseUrl` with the demo API key, the filter as an APP_FILTER; its URL and its log. */
async function guestsApp(
  baseUrl: string,
  axiosConfig: { timeout?: number } = {},
): Promise<{ url: string; logger: CapturingLogger }> {
  @Module({
    imports: [
      ZenotiAuthModule.forRoot({ baseUrl, apiKey: D.apiKey, store: new MemoryTokenStore(), isGlobal: true }),
      ZenotiHttpModule.register({ axiosConfig }),
    ],
    controllers: [GuestsController],
    providers: [
      { provide: APP_FILTER, useClass: ZenotiAuthExceptionFilter },
      { provide: OTHER_HTTP, useFactory: () => new HttpService(axios.create({ baseURL: baseUrl })) },
    ],
  })
  class AppModule {}
  const logger = new CapturingLogger();
  const app = await NestFactory.create(AppModule, { logger });
  await app.listen(0, '127.0.0.1');
  closeAfterTest(app);
  return { url: (await app.getUrl()).replace('[::1]', '127.0.0.1'), logger };
}

/** Status, `Retry-After` and body of a GET; the body never holds a secret or Zenoti's own text. */
async function get(url: string): Promise<{ status: number; retryAfter: string | null; body: unknown }> {
  const res = await fetch(url);
  const text = await res.text();
  for (const secret of SECRETS) expect(text).not.toContain(secret);
  expect(text).not.toMatch(/guest_id|authorization|apikey/i);
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: JSON.parse(text) };
}

const UNKNOWN_GUEST = '00000000-0000-4000-8000-000000000000';
const [{ guestId: GUEST, username: EMAIL }] = D.guests;

describe('Zenoti’s answer to a ZenotiHttpService call is the app’s answer (filter, real HTTP)', () => {
  it('404, 403, 422 and 400 from Zenoti are answered with that status, a fixed message and no log line', async () => {
    const mock = await zenoti();
    const { url, logger } = await guestsApp(mock.url);

    expect(await get(`${url}/guests/${UNKNOWN_GUEST}`)).toEqual({
      status: 404,
      retryAfter: null,
      body: { statusCode: 404, error: 'Not Found', message: 'Zenoti answered 404 Not Found.' },
    });
    mock.control.injectFault('resource', { kind: 'status', status: 403 }, 1);
    expect(await get(`${url}/guests/${GUEST}`)).toMatchObject({
      status: 403,
      body: { statusCode: 403, error: 'Forbidden', message: 'Zenoti answered 403 Forbidden.' },
    });
    mock.control.injectFault('resource', { kind: 'status', status: 422 }, 1);
    expect(await get(`${url}/guests/${GUEST}`)).toMatchObject({
      status: 422,
      body: {
        statusCode: 422,
        error: 'Unprocessable Entity',
        message: 'Zenoti answered 422 Unprocessable Entity.',
      },
    });
    expect(await get(`${url}/search?size=101&email=${encodeURIComponent(EMAIL)}`)).toMatchObject({
      status: 400,
      body: { statusCode: 400, error: 'Bad Request' },
    });
    // Nest logs no 4xx HttpException: neither does the filter. Nothing else was logged about them either.
    expect(logger.lines.filter((line) => !line.startsWith('log '))).toEqual([]);
    const { byStatus, faulted } = mock.control.counters().resources;
    expect({ byStatus, faulted }).toEqual({ byStatus: { '404': 1, '400': 1 }, faulted: 2 });
  });

  it('a 429 keeps its Retry-After; a 401 (no credential sent) and a 5xx are 502, the 5xx logged in one safe line', async () => {
    const mock = await zenoti();
    const { url, logger } = await guestsApp(mock.url);
    mock.control.injectFault(
      'resource',
      { kind: 'status', status: 429, headers: { 'Retry-After': '120' } },
      1,
    );
    expect(await get(`${url}/guests/${UNKNOWN_GUEST}`)).toEqual({
      status: 429,
      retryAfter: '120',
      body: {
        statusCode: 429,
        error: 'Too Many Requests',
        message: 'Zenoti answered 429 Too Many Requests.',
        retryAfterSeconds: 120,
      },
    });
    // The client's credentials are not Zenoti's business: a 401 from Zenoti is this service's problem.
    expect(await get(`${url}/guests/${UNKNOWN_GUEST}?skip=1`)).toMatchObject({
      status: 502,
      body: { statusCode: 502, error: 'Bad Gateway', message: 'Zenoti answered 401 Unauthorized.' },
    });
    mock.control.injectFault('resource', { kind: 'status', status: 500 }, 1);
    const before = logger.lines.length;
    expect(await get(`${url}/search?size=5&email=${encodeURIComponent(EMAIL)}`)).toMatchObject({
      status: 502,
      body: { statusCode: 502, error: 'Bad Gateway', message: 'Zenoti answered 500 Internal Server Error.' },
    });
    // One line, no query (it may hold an e-mail), no credential, no dump.
    expect(logger.lines.slice(before)).toEqual([
      'error ZenotiAuth Zenoti answered 500 to GET /v1/guests/search (ZenotiHttpService)',
    ]);
  });

  it('no answer at all: a refused connection is 503 NETWORK, a timeout 504 TIMEOUT, as in token mode', async () => {
    const down = await guestsApp('http://127.0.0.1:1');
    expect(await get(`${down.url}/guests/${UNKNOWN_GUEST}`)).toMatchObject({
      status: 503,
      body: { code: 'NETWORK', message: 'Zenoti could not be reached.' },
    });
    expect(down.logger.lines.filter((line) => line.startsWith('error '))).toEqual([
      'error ZenotiAuth NETWORK: [@zenoti-auth/nestjs] A call through ZenotiHttpService got no answer from Zenoti (ECONNREFUSED).',
    ]);
    const mock = await zenoti();
    mock.control.injectFault('resource', { kind: 'hang' }, 1);
    const slow = await guestsApp(mock.url, { timeout: 300 });
    expect(await get(`${slow.url}/guests/${UNKNOWN_GUEST}`)).toMatchObject({
      status: 504,
      body: { code: 'TIMEOUT', message: 'Zenoti did not answer in time.' },
    });
  });

  it('an axios error from another HttpService is left to Nest; ZenotiResponseException.from() ignores it', async () => {
    const mock = await zenoti();
    const { url } = await guestsApp(mock.url);
    expect(await get(`${url}/other/${UNKNOWN_GUEST}`)).toEqual({
      status: 500,
      retryAfter: null,
      body: { statusCode: 500, message: 'Internal server error' },
    });
    const error = await axios.get(`${mock.url}/v1/guests/${UNKNOWN_GUEST}`).catch((e: unknown) => e);
    expect(error).toMatchObject({ response: { status: 401 } });
    expect(ZenotiResponseException.from(error)).toBeUndefined();
  });
});
