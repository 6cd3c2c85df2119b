import { describe, expect, it } from 'vitest';
import { ZenotiAuthError, type ZenotiAuthErrorCode } from '../src/errors.ts';
import { ERROR_ANSWERS, httpAnswerOf } from '../src/http.ts';

const CODES: ZenotiAuthErrorCode[] = [
  'INVALID_OPTIONS',
  'CREDENTIALS_REJECTED',
  'LOGIN_BLOCKED',
  'ACCOUNT_LOCKED',
  'LOGIN_REQUIRED',
  'TOKEN_ENDPOINT',
  'INVALID_RESPONSE',
  'RATE_LIMITED',
  'TIMEOUT',
  'NETWORK',
  'UNAUTHORIZED',
  'ABORTED',
  'STORE',
];

describe('@zenoti-auth/core/http: one answer per error code', () => {
  it('has an answer for every code, and no other', () => {
    expect(Object.keys(ERROR_ANSWERS).sort()).toEqual([...CODES].sort());
  });

  it.each([
    ['LOGIN_REQUIRED', 401],
    ['RATE_LIMITED', 429],
    ['CREDENTIALS_REJECTED', 502],
    ['LOGIN_BLOCKED', 502],
    ['ACCOUNT_LOCKED', 502],
    ['UNAUTHORIZED', 502],
    ['TOKEN_ENDPOINT', 502],
    ['INVALID_RESPONSE', 502],
    ['NETWORK', 503],
    ['STORE', 503],
    ['ABORTED', 503],
    ['TIMEOUT', 504],
    ['INVALID_OPTIONS', 500],
  ] as const)('%s → %i with a fixed message that holds nothing of the error', (code, status) => {
    const error = new ZenotiAuthError(code, 'secret-looking detail 0123456789abcdef');
    const answer = httpAnswerOf(error);
    expect(answer.status).toBe(status);
    expect(answer.message).not.toContain('0123456789abcdef');
    expect(answer.retryAfterSeconds).toBeUndefined();
  });

  it('gives Retry-After in whole seconds, never 0', () => {
    const wait = (ms: number) =>
      httpAnswerOf(new ZenotiAuthError('RATE_LIMITED', 'x', { retryAfterMs: ms })).retryAfterSeconds;
    expect(wait(0)).toBe(1);
    expect(wait(200)).toBe(1);
    expect(wait(1_001)).toBe(2);
    expect(wait(60_000)).toBe(60);
  });

  it('takes an end user’s rejected password as their wrong password (401), a service’s as 502', () => {
    const rejected = new ZenotiAuthError('CREDENTIALS_REJECTED', 'x');
    expect(httpAnswerOf(rejected, { endUser: true })).toMatchObject({ status: 401 });
    expect(httpAnswerOf(rejected)).toMatchObject({ status: 502 });
  });

  it('tells an end user of their own blocked (403) or locked (423) sign-in; a service’s is 502', () => {
    for (const [code, status] of [
      ['LOGIN_BLOCKED', 403],
      ['ACCOUNT_LOCKED', 423],
    ] as const) {
      const error = new ZenotiAuthError(code, 'x');
      expect(httpAnswerOf(error, { endUser: true })).toMatchObject({ status });
      expect(httpAnswerOf(error)).toMatchObject({ status: 502 });
    }
  });

  it('answers a code it does not know (a newer core) with a generic 500', () => {
    expect(
      httpAnswerOf({ code: 'SOMETHING_NEW' as ZenotiAuthErrorCode, retryAfterMs: undefined }),
    ).toMatchObject({
      status: 500,
    });
  });
});
