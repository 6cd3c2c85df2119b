// Text from Zenoti (an error body, a login policy's action) reaches an error message only as one
// line: a CR/LF in it could forge a header or a log line wherever the message is written.
import { describe, expect, it } from 'vitest';
import { ZenotiAuth, ZenotiAuthError } from '../src/index.ts';
import { serviceUser, zenoti } from './support.ts';

const INJECTED = 'Invalid account\r\nX-Injected: 1';

describe('upstream text in error messages', () => {
  it.each([
    ['a 401 Message', 401, { Message: INJECTED }, 'CREDENTIALS_REJECTED'],
    ['a 500 error.message', 500, { error: { code: 500, message: INJECTED } }, 'TOKEN_ENDPOINT'],
    ['a 400 Error.Message', 400, { Error: { StatusCode: 400, Message: INJECTED } }, 'TOKEN_ENDPOINT'],
  ])('drops %s holding a line break', async (_name, status, body, code) => {
    const z = await zenoti();
    const auth = new ZenotiAuth(serviceUser(z.url, { retry: { retries: 0 } }));
    z.control.injectFault('token', { kind: 'status', status, body: JSON.stringify(body) }, 1);
    const error = (await auth.authorization().catch((e: unknown) => e)) as Error;
    expect(error).toMatchObject({ code });
    expect(error.message).not.toMatch(/[\r\n]|X-Injected/);
    expect(JSON.stringify(error)).not.toMatch(/\\r|\\n|X-Injected/);
  });

  it('keeps a login policy’s action on one line', async () => {
    const z = await zenoti();
    const auth = new ZenotiAuth(serviceUser(z.url));
    const body = {
      credentials: null,
      login_policy_evaluation: { allowlogin: false, policyaction: `TwoFactor\r\nX-Injected: 1` },
    };
    z.control.injectFault('token', { kind: 'raw', body: JSON.stringify(body) }, 1);
    const error = (await auth.authorization().catch((e: unknown) => e)) as Error;
    expect(error).toMatchObject({ code: 'LOGIN_BLOCKED' });
    expect(error.message).not.toMatch(/[\r\n]/);
    expect(error.message).toContain('TwoFactor');
  });

  it('makes every message one line, whatever a caller or a store passed in', () => {
    const error = new ZenotiAuthError('STORE', 'Store failed:\r\nSet-Cookie: x=1\u0000\u0085');
    expect(error.message).toBe('[@zenoti-auth/core] Store failed:  Set-Cookie: x=1  ');
  });
});
