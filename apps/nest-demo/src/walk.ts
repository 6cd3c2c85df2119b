import type { TokenStore } from '@zenoti-auth/core';
import { DEMO_CREDENTIALS as D, type RunningMockZenoti } from '@zenoti-auth/mock-server';
import { createNestDemo } from './demo.ts';
import type { TokenStatus } from './token-status.service.ts';
import type { CenterList, GuestProfile } from './zenoti.controller.ts';

/** What `run()` needs: a mock Zenoti the caller started (and closes). */
export interface NestWalkOptions {
  /** The demo moves this mock's clock forward a day; reset it (`control.reset()`) before reusing it. */
  mock: RunningMockZenoti;
  /** Where the app's token lives. @default the process-wide memory store */
  store?: TokenStore;
  /** Where the lines go. @default console.log */
  print?: (line: string) => void;
}

const DAY = 24 * 60 * 60 * 1000;
const UNKNOWN_GUEST = '31a255d5-5a74-417e-ac93-000000000000';

/**
 * Boots the Nest app on 127.0.0.1 and a free port against `mock` (token mode: the demo employee app
 * and service user), walks through its routes with `fetch`, printing what was sent and what came
 * back, and closes the app. Rejects when a route answers unexpectedly. Never prints a secret: the
 * routes return fingerprints only.
 */
export async function run(options: NestWalkOptions): Promise<void> {
  const { mock } = options;
  const print = options.print ?? ((line: string) => console.log(line));
  let stepNo = 0;
  const step = (title: string): void => print(`\n${++stepNo}. ${title}`);
  const say = (line: string): void => print(`   ${line}`);
  const tokenCalls = (): number => mock.control.counters().token.total;

  step('Boot the Nest app: ZenotiAuthModule.forRootAsync() fed by ConfigService');
  const demo = await createNestDemo({
    env: {
      ZENOTI_BASE_URL: mock.url,
      ZENOTI_ACCOUNT_NAME: D.accountName,
      ZENOTI_APP_ID: D.employeeApp.appId,
      ZENOTI_APP_SECRET: D.employeeApp.appSecret,
      ZENOTI_USERNAME: D.employee.username,
      ZENOTI_PASSWORD: D.employee.password,
    },
    port: 0,
    zenoti: { now: mock.control.now, ...(options.store ? { store: options.store } : {}) },
  });
  say(`listening on ${demo.url}; Zenoti at ${mock.url}, token mode (service user "${D.employee.username}")`);
  try {
    const get = async <T>(path: string, expected: number): Promise<T> => {
      const res = await fetch(`${demo.url}${path}`);
      const body = (await res.json()) as T;
      if (res.status !== expected)
        throw new Error(`nest-demo: GET ${path} answered ${res.status}, not ${expected}`);
      return body;
    };
    const lastSeen = (path: string): string => {
      const seen = mock.control.requests().filter((r) => r.path === path);
      const last = seen[seen.length - 1];
      return last ? `${last.status} (${last.authorization ?? 'no credential'})` : 'nothing';
    };
    const describeStatus = (s: TokenStatus): string =>
      s.lastToken
        ? `${s.mode} mode, ${s.authorization}, tokens obtained ${s.tokensObtained}, last: ${s.lastToken.grant} grant → ${s.lastToken.tokenId}, expires ${s.lastToken.expiresAt} (${s.lastToken.secondsLeft} s left)`
        : `${s.mode} mode, ${s.authorization}`;

    step('GET /centers: ZenotiHttpService (axios + the zenoti-auth interceptor); the first call logs in');
    const centers = await get<CenterList>('/centers', 200);
    say(`→ 200, ${centers.total} centres: ${centers.centers.map((c) => `${c.name} (${c.city})`).join(', ')}`);
    say(`Zenoti saw GET /v1/centers → ${lastSeen('/v1/centers')}; token calls so far: ${tokenCalls()}`);

    step(`GET /guests/${D.guests[0].guestId}: ZenotiAuth.fetch() with the same token`);
    const guest = await get<GuestProfile>(`/guests/${D.guests[0].guestId}`, 200);
    say(`→ 200, ${guest.name} <${guest.email}>, tags: ${guest.tags.join(', ') || 'none'}`);
    say(`Zenoti saw GET /v1/guests/{id} → ${lastSeen(`/v1/guests/${D.guests[0].guestId}`)}`);

    step("GET /token-status: the token's state from core's events — never the token");
    say(`→ 200, ${describeStatus(await get<TokenStatus>('/token-status', 200))}`);

    step('A day passes (the mock clock): the token has expired, the next call refreshes it');
    mock.control.advanceTime(DAY + 1_000);
    await get<CenterList>('/centers', 200);
    say(`GET /centers → 200; Zenoti saw GET /v1/centers → ${lastSeen('/v1/centers')}`);
    say(`GET /token-status → 200, ${describeStatus(await get<TokenStatus>('/token-status', 200))}`);

    step('GET /guests/{unknown id}: a Zenoti 404 becomes a Nest 404');
    const missing = await get<{ message?: string }>(`/guests/${UNKNOWN_GUEST}`, 404);
    say(`→ 404 "${missing.message}"`);
  } finally {
    await demo.close();
  }
  say(`app closed; token calls in all: ${tokenCalls()}`);
}
