import { describe, expect, it } from 'vitest';
import { DEFAULTS, invalidOption, ZenotiAuth, ZenotiAuthError } from '../src/index.ts';
import { serviceUser, zenoti } from './support.ts';

const fast = { retries: 1, minDelayMs: 10, maxDelayMs: 20, deadlineMs: 3_000 };

describe('errors say whether they are transient', () => {
  it.each([
    ['a 5xx the retries did not cure', { kind: 'status', status: 503 } as const, 'TOKEN_ENDPOINT', true],
    ['a 502', { kind: 'status', status: 502 } as const, 'TOKEN_ENDPOINT', true],
    ['a dropped connection', { kind: 'drop' } as const, 'NETWORK', true],
    ['a 501 (not worth a retry)', { kind: 'status', status: 501 } as const, 'TOKEN_ENDPOINT', false],
    ['a 400', { kind: 'status', status: 400 } as const, 'TOKEN_ENDPOINT', false],
    ['a rejected password', { kind: 'status', status: 401 } as const, 'CREDENTIALS_REJECTED', false],
    [
      'a response that is no token response',
      { kind: 'raw', body: '<html></html>' } as const,
      'INVALID_RESPONSE',
      false,
    ],
  ])('%s: %s, transient %s', async (_name, fault, code, transient) => {
    const z = await zenoti();
    z.control.injectFault('token', fault, Number.POSITIVE_INFINITY);
    const auth = new ZenotiAuth(serviceUser(z.url, { retry: fast }));
    const error = (await auth.authorization().catch((e: unknown) => e)) as ZenotiAuthError;
    expect(error).toMatchObject({ code, transient });
    expect(JSON.parse(JSON.stringify(error))).toMatchObject({ code, transient });
  });

  it('takes its default from the code, and an explicit word over it', () => {
    expect(new ZenotiAuthError('TIMEOUT', 'x').transient).toBe(true);
    expect(new ZenotiAuthError('RATE_LIMITED', 'x').transient).toBe(true);
    expect(new ZenotiAuthError('UNAUTHORIZED', 'x').transient).toBe(false);
    expect(new ZenotiAuthError('TOKEN_ENDPOINT', 'x', { transient: true }).transient).toBe(true);
  });
});

describe('one format for invalid options, stamped by the package that found them', () => {
  it('names the package, the field and the problem', () => {
    const error = invalidOption('hono', 'cookie.maxAge', 'must be a number of seconds > 0');
    expect(error).toMatchObject({ code: 'INVALID_OPTIONS', field: 'cookie.maxAge', transient: false });
    expect(error.message).toBe('[@zenoti-auth/hono] Option "cookie.maxAge" must be a number of seconds > 0.');
  });
});

describe('DEFAULTS', () => {
  it('are what an engine without options uses, and cannot be changed', async () => {
    expect(Object.isFrozen(DEFAULTS) && Object.isFrozen(DEFAULTS.retry)).toBe(true);
    expect(DEFAULTS.shareInFlight).toBe(true); // Node: promises outlive requests
    const z = await zenoti();
    z.control.injectFault('token', { kind: 'status', status: 503 }, Number.POSITIVE_INFINITY);
    const auth = new ZenotiAuth(serviceUser(z.url, { retry: { minDelayMs: 1, maxDelayMs: 1 } }));
    await expect(auth.authorization()).rejects.toMatchObject({ code: 'TOKEN_ENDPOINT' });
    // The default retries: one attempt and DEFAULTS.retry.retries more.
    expect(z.control.counters().token.total).toBe(DEFAULTS.retry.retries + 1);
  });
});
