import { DEMO_SEED, type MockCounters, type MockSeed, type StartMockZenotiOptions } from '../src/index.ts';
import {
  type Answer,
  apikey,
  bearer,
  type Credentials,
  call,
  D,
  employeeGrant,
  guestGrant,
  login,
  type Mock,
  postToken,
  refresh,
  startMock,
} from './helpers.ts';

/** Calls per 60 s window of each organisation: small, so that the run reaches 429s. */
export const LIVE_LIMIT = 12;

/** An organisation whose name is markup: the page must show it as text. */
export const MARKUP_ACCOUNT = '<img src=x onerror="document.documentElement.dataset.pwned=1">';
const MARKUP_KEY = '7e1f0c5d2b9a48e3a6c4f0b1d2e3c4a5b6c7d8e9f0a1b2c3d4e5f60718293a4b';

const liveSeed = (): MockSeed => ({
  organizations: [...DEMO_SEED.organizations, { accountName: MARKUP_ACCOUNT, apiKeys: [MARKUP_KEY] }],
});

/** A mock with control routes (and so the live page), a frozen clock, a small window and 2-attempt lockout. */
export function startLiveMock(options: StartMockZenotiOptions = {}): Promise<Mock> {
  return startMock({
    controlRoutes: true,
    seed: liveSeed(),
    rateLimit: { limit: LIVE_LIMIT, windowSeconds: 60 },
    lockout: { attempts: 2 },
    ...options,
  });
}

export interface LiveRun {
  /** Every key, password, app secret and token the run sent or received. */
  secrets: string[];
  /** The answer to the run's last call (a 429 of demo-spa's window). */
  last: Answer;
}

function expectStatus(answer: Answer, status: number, what: string): Answer {
  if (answer.status !== status) throw new Error(`${what}: expected ${status}, got ${answer.status}`);
  return answer;
}

const revoke = (mock: Mock, token: string): Promise<Answer> =>
  call(mock, '/v1/tokens/sessions/revoke', { method: 'DELETE', ...bearer(token) });

/**
 * API-key calls (one with the key in its query string), password grants, a refresh, a reused
 * refresh token, a revoke, a lockout, then demo-spa's window used up and one refused call of each
 * kind: 2 resource calls, 1 password grant and 1 revoke answered 429. Bounded: at most
 * `LIVE_LIMIT` calls to use the window up.
 */
export async function scriptedRun(mock: Mock): Promise<LiveRun> {
  const centers = (key: string = D.apiKey, path = '/v1/centers') => call(mock, path, apikey(key));
  expectStatus(await centers(), 200, 'API key call');
  expectStatus(await centers(D.apiKey, `/v1/centers?api_key=${D.apiKey}`), 200, 'API key call, key in query');
  expectStatus(await centers(), 200, 'API key call');
  const first = await login(mock);
  const refreshed = (await refresh(mock, first.refresh_token)).body.credentials as Credentials;
  expectStatus(await refresh(mock, first.refresh_token), 401, 'reused refresh token');
  expectStatus(await revoke(mock, refreshed.access_token), 200, 'revoke');
  const second = await login(mock);
  const wrong = 'Wrong-Password-Live-1';
  expectStatus(await postToken(mock, guestGrant(0, { password: wrong })), 401, 'wrong password');
  expectStatus(await postToken(mock, guestGrant(0, { password: wrong })), 401, 'wrong password, locks');
  expectStatus(await postToken(mock, guestGrant(0)), 401, 'right password while locked');
  expectStatus(await centers(D.other.apiKey), 200, "other-spa's API key");
  expectStatus(await centers(MARKUP_KEY), 200, "the markup organisation's API key");

  let used = 0;
  while (used < LIVE_LIMIT && (await centers()).status === 200) used++;
  if (used === LIVE_LIMIT) throw new Error('the window never ran out');
  expectStatus(await centers(), 429, 'API key call past the window');
  expectStatus(await postToken(mock, employeeGrant()), 429, 'password grant past the window');
  const last = expectStatus(await revoke(mock, second.access_token), 429, 'revoke past the window');

  const tokens = [first, refreshed, second].flatMap((c) => [c.access_token, c.refresh_token]);
  const secrets = [
    D.apiKey,
    D.other.apiKey,
    MARKUP_KEY,
    D.employee.password,
    D.employeeApp.appSecret,
    D.guests[0].password,
    D.guestApp.appSecret,
    wrong,
    ...tokens,
  ];
  return { secrets, last };
}

/** Every 429 in `counters`, summed the way the page's "429s" tile sums them. */
export function all429s(counters: MockCounters): number {
  return counters.token.rateLimited + counters.revoke.rateLimited + (counters.resources.byStatus['429'] ?? 0);
}
