import { describe, expect, it } from 'vitest';
import { ZenotiAuthError } from '../src/errors.ts';
import type { KeyState } from '../src/key-state.ts';
import {
  afterFailedRefresh,
  credentialsPause,
  type Decision,
  decide,
  type Limits,
  type LockState,
  refreshHold,
  ridePause,
} from '../src/refresh-policy.ts';
import type { TokenSet } from '../src/types.ts';

// The rules of the token cycle as a table: a reader learns them here, no HTTP involved.
// Times in minutes from a token obtained at 0 that expires at 60, with a 5-minute refresh window
// (so it is fresh until 55). Real time (`realNow`) only ages flights.

const MIN = 60_000;
const token: TokenSet = { accessToken: 'A', accessTokenExpiresAt: 60 * MIN, obtainedAt: 0, version: 1 };
const shared: Limits = { refreshWindowMs: 5 * MIN, deadlineMs: 30_000, shareInFlight: true };
const polling: Limits = { ...shared, shareInFlight: false };
const flight = { promise: Promise.resolve(token), since: 0 };
const rejectedPassword = new ZenotiAuthError('CREDENTIALS_REJECTED', 'no');

function state(fields: Partial<KeyState>): KeyState {
  return {
    flight: undefined,
    rejectedToken: undefined,
    lastUnauthorizedAt: undefined,
    ride: undefined,
    pause: undefined,
    session: undefined,
    lastSeen: undefined,
    ...fields,
  };
}

type Row = [
  rule: string,
  set: TokenSet | undefined,
  record: Partial<KeyState> | undefined,
  minute: number,
  realNow: number,
  limits: Limits,
  action: Decision['action'],
];

const rows: Row[] = [
  ['a fresh token is served', token, undefined, 10, 0, shared, 'serve'],
  ['no token: refresh', undefined, undefined, 10, 0, shared, 'refresh'],
  ['in the refresh window: refresh', token, undefined, 56, 0, shared, 'refresh'],
  ['expired: refresh', token, undefined, 61, 0, shared, 'refresh'],
  ['a 401 proved it dead: refresh', token, { rejectedToken: 'A' }, 10, 0, shared, 'refresh'],
  ['a 401 on an older token does not matter', token, { rejectedToken: 'old' }, 10, 0, shared, 'serve'],
  ['a refresh in flight: join it', token, { flight }, 56, 0, shared, 'join the flight'],
  [
    'no shared promises: poll the store while a flight runs',
    token,
    { flight },
    56,
    10_000,
    polling,
    'poll the store',
  ],
  [
    'no shared promises: a flight past the deadline is lost, refresh',
    undefined,
    { flight },
    56,
    30_000,
    polling,
    'refresh',
  ],
  [
    'a rejected password: fail with it during the cool-down',
    token,
    { pause: { reason: 'credentials', until: 20 * MIN, error: rejectedPassword } },
    10,
    0,
    shared,
    'fail',
  ],
  [
    'after the cool-down: serve again',
    token,
    { pause: { reason: 'credentials', until: 20 * MIN, error: rejectedPassword } },
    21,
    0,
    shared,
    'serve',
  ],
  [
    'a 429 with no live token: fail fast until Retry-After',
    undefined,
    { pause: { reason: 'rate-limit', until: 20 * MIN, error: rejectedPassword } },
    10,
    0,
    shared,
    'fail',
  ],
  [
    'after Retry-After: refresh',
    undefined,
    { pause: { reason: 'rate-limit', until: 20 * MIN, error: rejectedPassword } },
    21,
    0,
    shared,
    'refresh',
  ],
  [
    'a fault pause: refresh (the refresh waits the pause out; others join)',
    undefined,
    { pause: { reason: 'fault', until: 20 * MIN, error: rejectedPassword } },
    10,
    0,
    shared,
    'refresh',
  ],
  [
    'riding out, before the next try: serve the live token',
    token,
    { ride: { token: 'A', at: 58 * MIN, why: 'a fault' } },
    57,
    0,
    shared,
    'serve',
  ],
  [
    'riding out, next try due: serve and refresh behind',
    token,
    { ride: { token: 'A', at: 58 * MIN, why: 'a fault' } },
    59,
    0,
    shared,
    'serve and refresh behind',
  ],
  [
    'riding out, next try due, no shared promises: refresh and wait',
    token,
    { ride: { token: 'A', at: 58 * MIN, why: 'a fault' } },
    59,
    0,
    polling,
    'refresh',
  ],
  [
    'riding out, the try already running: serve',
    token,
    { ride: { token: 'A', at: 58 * MIN, why: 'a fault' }, flight },
    59,
    0,
    shared,
    'serve',
  ],
  [
    'a ride ends at expiry: refresh',
    token,
    { ride: { token: 'A', at: 58 * MIN, why: 'a fault' } },
    61,
    0,
    shared,
    'refresh',
  ],
  [
    'a ride ends at a 401: refresh',
    token,
    { ride: { token: 'A', at: 58 * MIN, why: 'a fault' }, rejectedToken: 'A' },
    57,
    0,
    shared,
    'refresh',
  ],
  [
    'a ride belongs to one token: a newer set in its window refreshes',
    { ...token, accessToken: 'B' },
    { ride: { token: 'A', at: 58 * MIN, why: 'a fault' } },
    57,
    0,
    shared,
    'refresh',
  ],
];

describe('decide: what a caller gets', () => {
  it.each(rows)('%s', (_rule, set, record, minute, realNow, limits, action) => {
    const decision = decide({ set, state: record && state(record), now: minute * MIN, realNow }, limits);
    expect(decision.action).toBe(action);
  });

  it('fails with the rejected password itself, and a 429 with the time left', () => {
    const cooling = decide(
      {
        set: undefined,
        state: state({ pause: { reason: 'credentials', until: 20 * MIN, error: rejectedPassword } }),
        now: 10 * MIN,
        realNow: 0,
      },
      shared,
    );
    expect(cooling).toEqual({ action: 'fail', error: rejectedPassword });
    const limited = decide(
      {
        set: undefined,
        state: state({ pause: { reason: 'rate-limit', until: 10 * MIN + 45_000, error: rejectedPassword } }),
        now: 10 * MIN,
        realNow: 0,
      },
      shared,
    );
    expect(limited).toMatchObject({ action: 'fail', error: { code: 'RATE_LIMITED', retryAfterMs: 45_000 } });
  });
});

const transient = (code: 'TOKEN_ENDPOINT' | 'RATE_LIMITED' | 'TIMEOUT', retryAfterMs?: number) =>
  new ZenotiAuthError(code, 'x', {
    status: code === 'RATE_LIMITED' ? 429 : 503,
    transient: true,
    retryAfterMs,
  });
const final = new ZenotiAuthError('TOKEN_ENDPOINT', 'x', { status: 400 });
const retry = { retries: 3, minDelayMs: 200, maxDelayMs: 5_000, deadlineMs: 30_000 };

type FailureRow = [
  rule: string,
  error: ZenotiAuthError,
  stored: TokenSet | undefined,
  minute: number,
  outcome: ReturnType<typeof afterFailedRefresh>,
];

const failures: FailureRow[] = [
  [
    'someone stored a fresh set meanwhile: it serves',
    final,
    { ...token, accessToken: 'B', obtainedAt: 56 * MIN, accessTokenExpiresAt: 116 * MIN },
    56,
    { outcome: 'serve the stored set' },
  ],
  [
    'a transient fault while the replaced token is alive: ride out',
    transient('TOKEN_ENDPOINT'),
    token,
    56,
    { outcome: 'ride out', pauseMs: 30_000 },
  ],
  [
    'the ride lasts at most half the time left',
    transient('TIMEOUT'),
    token,
    59.5,
    { outcome: 'ride out', pauseMs: 15_000 },
  ],
  [
    'and never starts before a 429’s Retry-After',
    transient('RATE_LIMITED', 90_000),
    token,
    56,
    { outcome: 'ride out', pauseMs: 90_000 },
  ],
  ['a final answer is thrown, even with a live token', final, token, 56, { outcome: 'throw' }],
  [
    'a rejected password: thrown, with a cool-down',
    rejectedPassword,
    token,
    56,
    { outcome: 'throw', pause: { reason: 'credentials', ms: 60_000 } },
  ],
  [
    'a fault with no live token: thrown, the next try after the backoff’s next delay',
    transient('TOKEN_ENDPOINT'),
    undefined,
    56,
    { outcome: 'throw', pause: { reason: 'fault', ms: 1_600 } },
  ],
  [
    'a 429 with no live token: thrown, no token call until Retry-After',
    transient('RATE_LIMITED', 60_000),
    undefined,
    56,
    { outcome: 'throw', pause: { reason: 'rate-limit', ms: 60_000 } },
  ],
  [
    'a fault after expiry: thrown with a pause',
    transient('TOKEN_ENDPOINT'),
    token,
    61,
    { outcome: 'throw', pause: { reason: 'fault', ms: 1_600 } },
  ],
];

describe('afterFailedRefresh: what a failed refresh means', () => {
  it.each(failures)('%s', (_rule, error, stored, minute, outcome) => {
    const result = afterFailedRefresh(
      {
        error,
        replaced: token,
        stored,
        rejectedToken: undefined,
        now: minute * MIN,
        credentialsCooldownMs: 60_000,
        passwordStrikes: 0,
        retry,
      },
      shared,
    );
    expect(result).toEqual(outcome);
  });

  it('rides only the token the refresh meant to replace', () => {
    const other = { ...token, accessToken: 'B' };
    const result = afterFailedRefresh(
      {
        error: transient('TIMEOUT'),
        replaced: token,
        stored: other,
        rejectedToken: undefined,
        now: 56 * MIN,
        credentialsCooldownMs: 60_000,
        passwordStrikes: 0,
        retry,
      },
      shared,
    );
    expect(result.outcome).toBe('throw');
  });

  it('ride pause: min(deadline, half the time left), not before Retry-After, never past expiry', () => {
    expect(ridePause(token, 56 * MIN, 30_000)).toBe(30_000);
    expect(ridePause(token, 59.5 * MIN, 30_000)).toBe(15_000);
    expect(ridePause(token, 56 * MIN, 30_000, 10 * MIN)).toBe(4 * MIN);
  });
});

describe('credentialsPause: the cool-down after passwords rejected in a row', () => {
  it('doubles with each rejection in a row, up to an hour, or the configured cool-down if longer', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7].map((strikes) => credentialsPause(60_000, strikes) / MIN)).toEqual([
      1, 2, 4, 8, 16, 32, 60, 60,
    ]);
    expect(credentialsPause(2 * 3_600_000, 3)).toBe(2 * 3_600_000);
  });

  it('keeps a stale password under Zenoti’s default lockout of 5 rejections in 15 minutes', () => {
    const tries = [0];
    for (let strikes = 0; tries.length < 10; strikes++)
      tries.push((tries.at(-1) as number) + credentialsPause(60_000, strikes));
    const most = Math.max(...tries.map((t) => tries.filter((u) => u >= t && u < t + 15 * MIN).length));
    expect(most).toBe(4);
  });

  it('is what a rejected password after earlier strikes pauses for', () => {
    const result = afterFailedRefresh(
      {
        error: rejectedPassword,
        replaced: token,
        stored: token,
        rejectedToken: undefined,
        now: 56 * MIN,
        credentialsCooldownMs: 60_000,
        passwordStrikes: 2,
        retry,
      },
      shared,
    );
    expect(result).toEqual({ outcome: 'throw', pause: { reason: 'credentials', ms: 4 * MIN } });
  });
});

describe('refreshHold: when a refresh token may be spent (the fleet rule)', () => {
  const withRefresh: TokenSet = { ...token, refreshToken: 'R' };
  const restored: TokenSet = { ...withRefresh, refreshNotBefore: 57 * MIN };
  const rows: Array<[string, TokenSet | undefined, LockState, boolean, RegExp | undefined]> = [
    ['under the fleet lock: spend it', withRefresh, 'held', false, undefined],
    ['a store without a lock (one process): spend it', withRefresh, 'no lock', false, undefined],
    ['the lock is held elsewhere: hold it', withRefresh, 'held elsewhere', false, /held elsewhere/],
    [
      '…even where one process may spend without the lock',
      withRefresh,
      'held elsewhere',
      true,
      /held elsewhere/,
    ],
    ['the store fails: hold it', withRefresh, 'failed', false, /token store fails/],
    ['the store fails, refreshWithoutLock: spend it', withRefresh, 'failed', true, undefined],
    [
      'written back after a loss, before its time: hold it',
      restored,
      'held',
      false,
      /had lost this token set/,
    ],
    ['no refresh token: nothing to hold (a password grant may go)', token, 'failed', false, undefined],
    ['no set at all', undefined, 'failed', false, undefined],
  ];
  it.each(rows)('%s', (_rule, set, lock, withoutLock, why) => {
    const hold = refreshHold(set, 56 * MIN, lock, withoutLock);
    if (why === undefined) expect(hold).toBeUndefined();
    else expect(hold?.why).toMatch(why);
  });

  it('tries again behind the live token at once, a second later while the store fails, or when a hold ends', () => {
    const withRefresh: TokenSet = { ...token, refreshToken: 'R' };
    expect(refreshHold(withRefresh, 56 * MIN, 'held elsewhere', false)?.retryMs).toBe(0);
    expect(refreshHold(withRefresh, 56 * MIN, 'failed', false)?.retryMs).toBe(1_000);
    expect(
      refreshHold({ ...withRefresh, refreshNotBefore: 57 * MIN }, 56 * MIN, 'held', false)?.retryMs,
    ).toBe(MIN);
    expect(
      refreshHold({ ...withRefresh, refreshNotBefore: 57 * MIN }, 57 * MIN, 'held', false),
    ).toBeUndefined();
  });

  it("never spends another process's claimed refresh token: it waits for the claim, then counts it spent", () => {
    const claimed: TokenSet = { ...withRefresh, refreshClaim: { by: 'other', until: 57 * MIN } };
    const during = refreshHold(claimed, 56 * MIN, 'held', false, 'me');
    expect(during).toEqual({ why: 'another process is sending the refresh token', retryMs: MIN });
    const after = refreshHold(claimed, 58 * MIN, 'held', false, 'me');
    expect(after?.spent).toBe(true);
    expect(after?.why).toMatch(/result was lost/);
    // Even where one process may spend without the lock.
    expect(refreshHold(claimed, 58 * MIN, 'failed', true, 'me')?.spent).toBe(true);
    // Its own claim does not stop the holder (its retries after a failed refresh).
    expect(refreshHold(claimed, 56 * MIN, 'held', false, 'other')).toBeUndefined();
  });
});
