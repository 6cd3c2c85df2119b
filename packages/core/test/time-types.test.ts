import { DEMO_CREDENTIALS as D } from '@zenoti-auth/mock-server';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  healthOf,
  type ZenotiHealth,
  type ZenotiHealthChecks,
  type ZenotiHealthFailure,
} from '../src/health/index.ts';
import {
  type EpochMilliseconds,
  type LoginResult,
  type TokenEvent,
  type TokenGuard,
  type TokenSet,
  ZenotiAuth,
} from '../src/index.ts';
import { zenoti } from './support.ts';

// One type for every time of the public API: ms since the Unix epoch, a number. The type checks are
// compiled by `tsc -p tsconfig.test.json` (CI's typecheck): a field that turns into a `Date` (or a
// string) again fails it, as does one whose type is wider than a number.
type Check = ZenotiHealthChecks;
type Exactly<T, U> = [T] extends [U] ? ([U] extends [T] ? true : false) : false;
const exactly = <T extends true>(): T => true as T;

describe('times in the public API', () => {
  it('are EpochMilliseconds (a number) everywhere: events, login(), healthOf(), token sets', () => {
    expectTypeOf<EpochMilliseconds>().toEqualTypeOf<number>();
    exactly<Exactly<TokenEvent['expiresAt'], EpochMilliseconds>>();
    exactly<Exactly<LoginResult['expiresAt'], EpochMilliseconds>>();
    exactly<Exactly<ZenotiHealthFailure['at'], EpochMilliseconds>>();
    exactly<Exactly<Check['credential']['lastSuccess'], EpochMilliseconds | undefined>>();
    exactly<Exactly<NonNullable<Check['token']>['expiresAt'], EpochMilliseconds | undefined>>();
    exactly<Exactly<NonNullable<NonNullable<Check['store']>['lastError']>['at'], EpochMilliseconds>>();
    exactly<Exactly<Check['budget']['windowEnd'], EpochMilliseconds | undefined>>();
    exactly<Exactly<TokenSet['accessTokenExpiresAt'], EpochMilliseconds>>();
    exactly<Exactly<TokenSet['obtainedAt'], EpochMilliseconds>>();
    exactly<Exactly<NonNullable<TokenGuard['pause']>['until'], EpochMilliseconds>>();
    // A login()'s expiry and the token event of the same sign-in are the same value, comparable as is.
    exactly<Exactly<LoginResult['expiresAt'], TokenEvent['expiresAt']>>();
    exactly<Exactly<TokenEvent['expiresAt'], NonNullable<Check['token']>['expiresAt'] & {}>>();
  });

  it('hold the same number wherever one time shows: the event, login()’s result, healthOf(), and its JSON', async () => {
    const z = await zenoti();
    const auth = new ZenotiAuth({
      baseUrl: z.url,
      app: { accountName: D.accountName, ...D.guestApp },
    });
    const events: TokenEvent[] = [];
    auth.on('token', (event) => events.push(event));
    const [guest] = D.guests;
    const result = await auth.login({ username: guest.username, password: guest.password });
    expect(result.expiresAt).toBeTypeOf('number');
    expect(events.map((e) => e.expiresAt)).toEqual([result.expiresAt]);
    const health: ZenotiHealth = await healthOf(auth, { principal: result.principal });
    expect(health.checks.token?.expiresAt).toBe(result.expiresAt);
    // Serialised (a health endpoint, a log line), a time stays the same number.
    const json = JSON.parse(JSON.stringify(health)) as ZenotiHealth;
    expect(json.checks.token?.expiresAt).toBe(result.expiresAt);
    expect(json.checks.credential.lastSuccess).toBe(health.checks.credential.lastSuccess);
  });
});
