import { describe, expect, it } from 'vitest';
import { ZenotiAuth, ZenotiAuthError, type ZenotiAuthOptions } from '../src/index.ts';

const app = { accountName: 'demo-spa', appId: 'APP-ID', appSecret: 's3cret-value-0001' };
const user = { username: 'api.user', password: 'pass word 1' };

function attempt(options: unknown): ZenotiAuthError {
  try {
    new ZenotiAuth(options as ZenotiAuthOptions);
  } catch (error) {
    expect(error).toBeInstanceOf(ZenotiAuthError);
    return error as ZenotiAuthError;
  }
  throw new Error('constructor accepted invalid options');
}

describe('option validation', () => {
  const cases: Array<[string, unknown, string]> = [
    ['no options at all', undefined, 'options'],
    ['options that are not an object', 'apikey', 'options'],
    ['no credentials', {}, 'apiKey'],
    ['both apiKey and app', { apiKey: 'k'.repeat(64), app }, 'app'],
    ['user with apiKey', { apiKey: 'k'.repeat(64), user }, 'user'],
    ['empty apiKey', { apiKey: '' }, 'apiKey'],
    ['whitespace apiKey', { apiKey: '   ' }, 'apiKey'],
    ['apiKey with inner space', { apiKey: 'abc def' }, 'apiKey'],
    ['apiKey of wrong type', { apiKey: 42 }, 'apiKey'],
    ['app that is a string', { app: 'demo' }, 'app'],
    ['missing accountName', { app: { ...app, accountName: undefined } }, 'app.accountName'],
    ['whitespace accountName', { app: { ...app, accountName: ' \t' } }, 'app.accountName'],
    ['padded appId', { app: { ...app, appId: ' APP ' } }, 'app.appId'],
    ['missing appSecret', { app: { accountName: 'a', appId: 'b' } }, 'app.appSecret'],
    ['appSecret of wrong type', { app: { ...app, appSecret: ['x'] } }, 'app.appSecret'],
    ['unknown app field', { app: { ...app, secret: 'x' } }, 'app.secret'],
    ['user without password', { app, user: { username: 'u' } }, 'user.password'],
    ['empty username', { app, user: { username: '', password: 'p' } }, 'user.username'],
    ['user that is an array', { app, user: [] }, 'user'],
    ['http base URL to a remote host', { apiKey: 'k', baseUrl: 'http://api.zenoti.com' }, 'baseUrl'],
    ['base URL that is not a URL', { apiKey: 'k', baseUrl: 'api.zenoti.com' }, 'baseUrl'],
    ['base URL with credentials', { apiKey: 'k', baseUrl: 'https://u:p@api.zenoti.com' }, 'baseUrl'],
    ['base URL with a query', { apiKey: 'k', baseUrl: 'https://api.zenoti.com/?x=1' }, 'baseUrl'],
    ['ftp base URL', { apiKey: 'k', baseUrl: 'ftp://127.0.0.1' }, 'baseUrl'],
    ['allowedOrigins not an array', { apiKey: 'k', allowedOrigins: 'https://a.example' }, 'allowedOrigins'],
    ['http allowed origin', { apiKey: 'k', allowedOrigins: ['http://evil.example'] }, 'allowedOrigins[0]'],
    ['negative refreshWindowMs', { apiKey: 'k', refreshWindowMs: -1 }, 'refreshWindowMs'],
    ['NaN timeoutMs', { apiKey: 'k', timeoutMs: Number.NaN }, 'timeoutMs'],
    ['zero timeoutMs', { apiKey: 'k', timeoutMs: 0 }, 'timeoutMs'],
    ['string timeoutMs', { apiKey: 'k', timeoutMs: '1000' }, 'timeoutMs'],
    ['fractional retries', { apiKey: 'k', retry: { retries: 1.5 } }, 'retry.retries'],
    [
      'maxDelay below minDelay',
      { apiKey: 'k', retry: { minDelayMs: 100, maxDelayMs: 10 } },
      'retry.maxDelayMs',
    ],
    ['rateLimit of wrong type', { apiKey: 'k', rateLimit: true }, 'rateLimit'],
    ['negative rateLimit wait', { apiKey: 'k', rateLimit: { maxWaitMs: -5 } }, 'rateLimit.maxWaitMs'],
    ['a budget without take()', { apiKey: 'k', rateLimit: { budget: { observe() {} } } }, 'rateLimit.budget'],
    [
      'a budget not given to pacedBudget()',
      { apiKey: 'k', rateLimit: { budget: { take: () => 0, observe() {} } } },
      'rateLimit.budget',
    ],
    ['store without methods', { apiKey: 'k', store: {} }, 'store'],
    ['fetch that is not a function', { apiKey: 'k', fetch: 'fetch' }, 'fetch'],
    ['now that is not a function', { apiKey: 'k', now: 0 }, 'now'],
    ['misspelled option', { apikey: 'k' }, 'apikey'],
    ['shareInFlight of wrong type', { apiKey: 'k', shareInFlight: 'no' }, 'shareInFlight'],
    ['a NUL in the apiKey', { apiKey: `${'k'.repeat(32)}\u0000evil` }, 'apiKey'],
    ['a non-ASCII apiKey', { apiKey: `${'k'.repeat(32)}é` }, 'apiKey'],
    ['a DEL in the appSecret', { app: { ...app, appSecret: 's3cret\u007fvalue' } }, 'app.appSecret'],
    ['a newline in the password', { app, user: { username: 'u', password: 'pass\nword' } }, 'user.password'],
    ['a NUL in the username', { app, user: { username: 'u\u0000', password: 'p' } }, 'user.username'],
    ['a control character in the appId', { app: { ...app, appId: 'APP\u0007' } }, 'app.appId'],
    ['baseURL spelt as axios spells it', { apiKey: 'k', baseURL: 'https://api.zenoti.com' }, 'baseURL'],
    ['a base URL ending in /v1', { apiKey: 'k', baseUrl: 'https://api.zenoti.com/v1' }, 'baseUrl'],
    ['a base URL ending in /v1/', { apiKey: 'k', baseUrl: 'https://api.zenoti.com/v1/' }, 'baseUrl'],
    ['a base URL with an empty query', { apiKey: 'k', baseUrl: 'https://api.zenoti.com/?' }, 'baseUrl'],
    ['a base URL with a fragment', { apiKey: 'k', baseUrl: 'https://api.zenoti.com/#top' }, 'baseUrl'],
    ['a base URL without a scheme', { apiKey: 'k', baseUrl: 'localhost:4010' }, 'baseUrl'],
    [
      'an allowed origin with a path',
      { apiKey: 'k', allowedOrigins: ['https://a.example/x'] },
      'allowedOrigins[0]',
    ],
  ];

  it.each(cases)('rejects %s, naming the field', (_name, options, field) => {
    const error = attempt(options);
    expect(error.code).toBe('INVALID_OPTIONS');
    expect(error.field).toBe(field);
    expect(error.message).toContain(`"${field}"`);
    expect(error.message.startsWith('[@zenoti-auth/core] ')).toBe(true);
  });

  it('says which credential option is wrong as the user wrote it: undefined, missing, or one beside the other', () => {
    const said = (options: unknown) => attempt(options).message;
    // `apiKey: process.env.ZENOTI_API_KEY` with the variable unset: given, but undefined.
    expect(said({ apiKey: undefined })).toBe(
      '[@zenoti-auth/core] Option "apiKey" is undefined (an environment variable that is not set?): give the API key, or "app" for access tokens.',
    );
    expect(said({ app: undefined, user })).toBe(
      '[@zenoti-auth/core] Option "app" is undefined: give the app, or "apiKey".',
    );
    expect(said({})).toBe('[@zenoti-auth/core] Option "apiKey" or "app" must be given.');
    expect(said({ apiKey: 'k', app })).toBe(
      '[@zenoti-auth/core] Option "app" must not be given beside "apiKey": one mode or the other.',
    );
    // `apiKey: undefined` beside an app is an app: nothing to say.
    expect(new ZenotiAuth({ apiKey: undefined, app }).mode).toBe('token');
  });

  it('accepts http for loopback hosts and https elsewhere', () => {
    for (const baseUrl of [
      'http://127.0.0.1:4010',
      'http://localhost:1',
      'http://[::1]:8080',
      'https://api.zenoti.com',
    ]) {
      expect(new ZenotiAuth({ apiKey: 'k'.repeat(64), baseUrl }).baseUrl).toBe(baseUrl.replace(/\/$/, ''));
    }
  });

  it('says what is wrong with a base URL, and which option a near miss meant', () => {
    expect(attempt({ apiKey: 'k', baseUrl: 'localhost:4010' }).message).toContain(
      'is missing http:// or https://',
    );
    expect(attempt({ apiKey: 'k', baseUrl: '127.0.0.1:4010' }).message).toContain(
      'is missing http:// or https://',
    );
    expect(attempt({ apiKey: 'k', baseUrl: 'https://api.zenoti.com/v1' }).message).toContain(
      'must not end in /v1',
    );
    expect(attempt({ apiKey: 'k', baseURL: 'http://127.0.0.1:1' }).message).toContain(
      'did you mean "baseUrl"?',
    );
    expect(attempt({ api_key: 'k' }).message).toContain('did you mean "apiKey"?');
    expect(attempt({ app: { ...app, appsecret: 'x' } }).message).toContain('did you mean "appSecret"?');
  });

  it('accepts a gateway path prefix in the base URL, and passwords with spaces and non-ASCII letters', () => {
    expect(new ZenotiAuth({ apiKey: 'k'.repeat(64), baseUrl: 'https://gw.example/zenoti/' }).baseUrl).toBe(
      'https://gw.example/zenoti',
    );
    expect(new ZenotiAuth({ app, user: { username: 'api.user', password: 'pâss wörd 1' } }).mode).toBe(
      'token',
    );
  });

  it('rejects a key with a character that is illegal in a header before it reaches Headers, without echoing it', () => {
    const key = `${'a1'.repeat(16)}\u0000tail-of-the-key`;
    const error = attempt({ apiKey: key });
    expect(error.message).toContain('visible ASCII');
    expect(error.message).not.toContain('tail-of-the-key');
    expect(JSON.stringify(error)).not.toContain('tail-of-the-key');
  });

  it('accepts app-only credentials (end-user logins) and app plus service user', () => {
    expect(new ZenotiAuth({ app }).mode).toBe('token');
    expect(new ZenotiAuth({ app, user }).mode).toBe('token');
  });

  it('never mutates the options it is given', () => {
    const options = Object.freeze({
      app: Object.freeze({ ...app }),
      user: Object.freeze({ ...user }),
      retry: Object.freeze({}),
    });
    expect(() => new ZenotiAuth(options)).not.toThrow();
  });

  it('does not echo a secret in a validation message', () => {
    const error = attempt({ apiKey: 'top-secret-key-value', app });
    expect(error.message).not.toContain('top-secret-key-value');
    const error2 = attempt({ app: { ...app, appSecret: ' padded-secret-value ' } });
    expect(error2.message).not.toContain('padded-secret-value');
  });
});
