import { Logger, type LoggerService } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { MemoryTokenStore, ZenotiAuth } from '@zenoti-auth/core';
import { getZenotiAuthToken, type ZenotiAuthLogSelection, ZenotiAuthModule } from '@zenoti-auth/nestjs';
import { afterEach, describe, expect, it } from 'vitest';
import { closeAfterTest, D, rejection, SECRETS, serviceUser, zenoti } from './support.ts';

/** Every line Nest's Logger was given, as `<level> <context> <message>`. */
class CapturingLogger implements LoggerService {
  readonly lines: string[] = [];
  #add = (level: string) => (message: unknown, context?: unknown) =>
    this.lines.push(`${level} ${String(context)} ${String(message)}`);
  log = this.#add('log');
  warn = this.#add('warn');
  error = this.#add('error');
  debug = this.#add('debug');
  verbose = this.#add('verbose');
  fatal = this.#add('fatal');
}

afterEach(() => {
  Logger.overrideLogger(false);
});

/**
 * A real module with two configurations against a mock Zenoti that reports its rate limit on every
 * call: the default one (a good service user, whose password Zenoti says expires soon) and "bad" (a
 * wrong password), both with `logEvents`. Calls each once, then returns what was logged.
 */
async function linesFor(logEvents: ZenotiAuthLogSelection): Promise<string[]> {
  const mock = await zenoti({ rateLimit: { limit: 100, windowSeconds: 60 } });
  mock.control.setLoginPolicy(D.accountName, D.employee.username, { passwordExpiryReminder: true });
  const store = new MemoryTokenStore();
  const bad = serviceUser(mock.url, {
    user: { username: D.employee.username, password: 'wrong-Pass-1' },
    store: new MemoryTokenStore(),
    retry: { retries: 0 },
  });
  const logger = new CapturingLogger();
  const moduleRef = await Test.createTestingModule({
    imports: [
      ZenotiAuthModule.forRoot({ ...serviceUser(mock.url, { store }), logEvents }),
      ZenotiAuthModule.forRoot({ ...bad, name: 'bad', logEvents }),
    ],
  })
    .setLogger(logger)
    .compile();
  closeAfterTest(moduleRef);
  await moduleRef.init();
  expect((await moduleRef.get(ZenotiAuth).fetch('/v1/centers')).status).toBe(200);
  await rejection(moduleRef.get<ZenotiAuth>(getZenotiAuthToken('bad')).fetch('/v1/centers'));
  const lines = logger.lines.filter((line) => / ZenotiAuth(:bad)? /.test(line));
  for (const secret of SECRETS) expect(lines.join('\n')).not.toContain(secret);
  return lines;
}

/** The kind of each line: level and the start of its message. */
const kinds = (lines: string[]): string[] =>
  lines.map((line) => {
    const [level, context, ...words] = line.split(' ');
    return `${level} ${context} ${words.slice(0, 2).join(' ')}`;
  });

describe('logEvents (real module, mock Zenoti)', () => {
  it("['token', 'error'] logs the tokens obtained and the failures, not the rate-limit reports", async () => {
    const lines = await linesFor(['token', 'error']);
    expect(kinds(lines)).toEqual([
      'log ZenotiAuth password grant',
      'warn ZenotiAuth:bad CREDENTIALS_REJECTED: [@zenoti-auth/core]',
    ]);
    expect(lines[0]).toMatch(/^log ZenotiAuth password grant for the app: token …\S{4}, expires /);
  });

  it("log levels select by level: ['warn'] the failure and the password reminder, ['debug'] Zenoti's rate reports", async () => {
    const warn = await linesFor(['warn']);
    expect(kinds(warn)).toEqual([
      'warn ZenotiAuth Zenoti reminds',
      'warn ZenotiAuth:bad CREDENTIALS_REJECTED: [@zenoti-auth/core]',
    ]);
    expect(warn[0]).toMatch(
      /^warn ZenotiAuth Zenoti reminds that the password of the app \(token …\S{4}\) expires soon: change it before the sign-in is refused$/,
    );
    // Zenoti reports its budget on the token calls and on the call to /v1/centers.
    expect(await linesFor(['debug'])).toEqual([
      'debug ZenotiAuth rate limit: 99 calls left, window resets in 60 s',
      'debug ZenotiAuth rate limit: 98 calls left, window resets in 60 s',
      'debug ZenotiAuth:bad rate limit: 97 calls left, window resets in 60 s',
    ]);
  });

  it('true logs every line; false and [] none', async () => {
    expect(kinds(await linesFor(true))).toEqual([
      'debug ZenotiAuth rate limit:',
      'log ZenotiAuth password grant',
      'warn ZenotiAuth Zenoti reminds',
      'debug ZenotiAuth rate limit:',
      'debug ZenotiAuth:bad rate limit:',
      'warn ZenotiAuth:bad CREDENTIALS_REJECTED: [@zenoti-auth/core]',
    ]);
    expect(await linesFor(false)).toEqual([]);
    expect(await linesFor([])).toEqual([]);
  });

  it('an entry that is neither an event type nor a log level fails start-up, naming its position', async () => {
    const error = await rejection(
      Test.createTestingModule({
        imports: [
          ZenotiAuthModule.forRoot({
            baseUrl: 'http://127.0.0.1:9',
            apiKey: D.apiKey,
            logEvents: ['token', 'tokens' as 'token'],
          }),
        ],
      }).compile(),
    );
    expect(error).toMatchObject({ code: 'INVALID_OPTIONS', field: 'logEvents' });
    expect((error as Error).message).toBe(
      '[@zenoti-auth/nestjs] Option "logEvents" of ZenotiAuthModule must be true, false or a list of event types ' +
        '(token, invalidated, error, warning, passwordExpiring, rateLimit) and log levels ' +
        '(verbose, debug, log, warn, error, fatal) (logEvents[1] is neither).',
    );
  });
});
