/**
 * The axios adapter at work: API-key calls, a token login with refresh, recovery after a revoke,
 * and the clear error after a password change. Talks to an embedded mock Zenoti, a mock the caller
 * started (the root `pnpm demo` tour), or a real Zenoti named by ZENOTI_BASE_URL (and credentials).
 * Prints every step; never a secret.
 */
import { inspect } from 'node:util';
import { createZenotiAxios, ERR_ZENOTI_AUTH } from '@zenoti-auth/axios';
import {
  isZenotiAuthError,
  redactAuthorization,
  type TokenStore,
  type ZenotiApp,
  ZenotiAuth,
  type ZenotiUser,
} from '@zenoti-auth/core';
import { DEMO_CREDENTIALS as D, type RunningMockZenoti, startMockZenoti } from '@zenoti-auth/mock-server';
import { type AxiosInstance, type AxiosResponse, isAxiosError } from 'axios';
import type { Target } from './env.ts';
import { describeEvent, resetSteps, say, skip, step } from './print.ts';

const MINUTE = 60_000;
/** The password the demo sets at the mock to play "someone changed it in Zenoti". */
const CHANGED_PASSWORD = 'Changed-Elsewhere-2026';

/** What `run()` talks to. */
export interface AxiosDemoOptions {
  /**
   * A mock Zenoti the caller started and closes (the root tour shares one between demos). The demo
   * sets its access-token lifetime to 10 minutes, moves its clock and changes the service user's
   * password: reset it (`control.reset()`) before reusing it.
   */
  mock?: RunningMockZenoti;
  /** Without `mock`: the embedded mock (`{ kind: 'mock' }`, the default) or a real Zenoti (see `readTarget()`). */
  target?: Target;
  /** Where the service user's token lives. @default the process-wide memory store */
  store?: TokenStore;
}

interface Setup {
  baseUrl: string;
  apiKey: string | undefined;
  login: { app: ZenotiApp; user: ZenotiUser } | undefined;
  mock: RunningMockZenoti | undefined;
  revoke: boolean;
  store: TokenStore | undefined;
}

interface Session {
  auth: ZenotiAuth;
  api: AxiosInstance;
}

type Centers = { centers?: Array<{ id: string; name: string }> };

/** The Authorization a response was sent with: the interceptor leaves only its fingerprint in the config. */
const sentWith = (res: AxiosResponse): string => String(res.config.headers.get('Authorization'));

const tokenCalls = (setup: Setup): number => setup.mock?.control.counters().token.total ?? 0;

async function apiKeyCalls(setup: Setup): Promise<void> {
  step('API key: two calls through createZenotiAxios({ apiKey })');
  if (setup.apiKey === undefined) return skip('no ZENOTI_API_KEY');
  const api = createZenotiAxios({ apiKey: setup.apiKey, baseUrl: setup.baseUrl });
  const res = await api.get<Centers>('/v1/centers');
  const centers = res.data.centers ?? [];
  say(
    `GET /v1/centers → ${res.status}, ${centers.length} centres (${centers.map((c) => c.name).join(', ')})`,
  );
  say(`sent with Authorization: ${sentWith(res)}`);
  const first = centers[0];
  if (!first) return;
  const services = await api.get<{ services?: Array<{ name: string }> }>(`/v1/centers/${first.id}/services`, {
    params: { size: 3 },
  });
  const names = (services.data.services ?? []).map((s) => s.name).join(', ');
  say(`GET /v1/centers/{id}/services?size=3 → ${services.status}: ${names}`);
}

async function tokenLogin(setup: Setup): Promise<Session | undefined> {
  step('Access token: the service user logs in on the first call');
  if (setup.login === undefined)
    return void skip('no ZENOTI_ACCOUNT_NAME/APP_ID/APP_SECRET/USERNAME/PASSWORD');
  const auth = new ZenotiAuth({
    baseUrl: setup.baseUrl,
    app: setup.login.app,
    user: setup.login.user,
    // The mock's clock, which the demo moves forward, so "8 minutes later" takes no time at all.
    ...(setup.mock ? { now: setup.mock.control.now } : {}),
    ...(setup.store ? { store: setup.store } : {}),
    onEvent: (event) => {
      const line = describeEvent(event);
      if (line) say(line);
    },
  });
  const api = createZenotiAxios(auth, { timeout: 10_000 });
  const res = await api.get<Centers>('/v1/centers');
  say(`GET /v1/centers → ${res.status}, sent with ${sentWith(res)}`);
  return { auth, api };
}

async function refresh(setup: Setup, { api }: Session): Promise<void> {
  step('8 minutes pass: the token enters its refresh window; three concurrent calls share one refresh');
  if (!setup.mock) return skip("needs the mock's clock; a real token lives 24 h");
  const before = tokenCalls(setup);
  setup.mock.control.advanceTime(8 * MINUTE);
  const all = await Promise.all([
    api.get('/v1/centers'),
    api.get('/v1/centers?size=1'),
    api.get('/v1/centers?page=2'),
  ]);
  const headers = new Set(all.map(sentWith));
  say(`3 calls → ${all.map((r) => r.status).join(', ')}, all sent with ${[...headers].join(' / ')}`);
  say(`token calls for them: ${tokenCalls(setup) - before}`);
}

async function revokeRecovery(setup: Setup, { auth, api }: Session): Promise<void> {
  step('Another client with these credentials kills our token at Zenoti; the next call recovers by itself');
  if (!setup.mock && !setup.revoke) {
    return skip('it ends every session of this user through this app; set ZENOTI_DEMO_REVOKE=1 to run it');
  }
  // Played by the demo itself, outside the engine: core cannot tell it from another process or server
  // signing in with the same credentials, so it warns of that (once): said here, so the warning reads
  // as the lesson it is, not as a fault of the demo.
  say('(played by the demo: a DELETE with our token, outside our engine and its token store; core warns');
  say(' of this case below: in an app it means two clients of one login that share no token store)');
  const header = await auth.authorization();
  const revoked = await fetch(`${setup.baseUrl}/v1/tokens/sessions/revoke`, {
    method: 'DELETE',
    headers: { authorization: header, accept: 'application/json' },
  });
  await revoked.arrayBuffer();
  say(`DELETE /v1/tokens/sessions/revoke with ${redactAuthorization(header)} → ${revoked.status}`);
  const res = await api.get('/v1/centers');
  say(
    `GET /v1/centers → ${res.status}, answered by the interceptor's one retry: ${res.config.zenoti?.retried === true}`,
  );
  say(`the retry was sent with ${sentWith(res)}`);
  const seen = setup.mock?.control
    .requests()
    .filter((r) => r.path === '/v1/centers')
    .slice(-2);
  if (seen) say(`Zenoti saw: ${seen.map((r) => `${r.status} (${r.authorization})`).join(' then ')}`);
}

async function passwordChange(setup: Setup, { api }: Session): Promise<void> {
  step("The user's password changes in Zenoti: one clear error, no retry loop");
  const mock = setup.mock;
  if (!mock) return skip("needs the mock's control to change the password");
  mock.control.setPassword(D.accountName, D.employee.username, CHANGED_PASSWORD);
  const before = tokenCalls(setup);
  for (const attempt of ['first call', 'next call']) {
    try {
      await api.get('/v1/centers');
      say(`${attempt}: unexpectedly succeeded`);
    } catch (error) {
      if (!isAxiosError(error) || error.code !== ERR_ZENOTI_AUTH) throw error;
      const cause = isZenotiAuthError(error.cause) ? `${error.cause.code} (HTTP ${error.cause.status})` : '?';
      say(`${attempt}: AxiosError ${error.code}, cause ZenotiAuthError ${cause}`);
      say(`  message: ${error.message}`);
      if (attempt === 'first call') {
        say(`  error.config.headers.Authorization: ${error.config?.headers.get('Authorization')}`);
        const logged = inspect(error, { depth: 6 }) + JSON.stringify(error);
        const secrets = [D.employee.password, CHANGED_PASSWORD, D.employeeApp.appSecret, '$ARD#'];
        say(
          `  a secret in util.inspect(error) or JSON.stringify(error): ${secrets.some((s) => logged.includes(s))}`,
        );
      }
    }
  }
  say(
    `token calls for both: ${tokenCalls(setup) - before} (the rejected password is remembered, not retried)`,
  );
}

/** Uses the caller's mock, starts the embedded one, or describes the real Zenoti the target names. */
async function prepare(options: AxiosDemoOptions): Promise<Setup & { owned: boolean }> {
  const target = options.target ?? { kind: 'mock' };
  const store = options.store;
  if (!options.mock && target.kind === 'zenoti') {
    step(`Use the Zenoti at ${target.baseUrl}`);
    say("steps that need the mock's control are skipped");
    return { ...target, mock: undefined, store, owned: false };
  }
  let mock = options.mock;
  if (mock) {
    step('Use the mock Zenoti given (access tokens live 10 minutes here)');
    mock.control.setAccessTokenTtl(10 * MINUTE);
  } else {
    step('Start the embedded mock Zenoti (access tokens live 10 minutes here)');
    mock = await startMockZenoti({ accessTokenTtlMs: 10 * MINUTE });
  }
  say(`listening on ${mock.url}, account "${D.accountName}"`);
  return {
    baseUrl: mock.url,
    apiKey: D.apiKey,
    login: { app: { accountName: D.accountName, ...D.employeeApp }, user: { ...D.employee } },
    mock,
    revoke: true,
    store,
    owned: options.mock === undefined,
  };
}

/**
 * Runs every step, printing as it goes; rejects on the first unexpected failure. Closes the mock
 * only if it started it.
 */
export async function run(options: AxiosDemoOptions = {}): Promise<void> {
  resetSteps();
  const setup = await prepare(options);
  try {
    await apiKeyCalls(setup);
    const session = await tokenLogin(setup);
    if (session) {
      await refresh(setup, session);
      await revokeRecovery(setup, session);
      await passwordChange(setup, session);
    }
    if (setup.mock) {
      step('What the mock Zenoti counted');
      const c = setup.mock.control.counters();
      say(
        `token calls: ${c.token.total} (password ${c.token.password.ok} ok / ${c.token.password.rejected} rejected, refresh ${c.token.refresh.ok} ok / ${c.token.refresh.rejected} rejected); revokes: ${c.revoke.ok}; resource calls: ${c.resources.total} ${JSON.stringify(c.resources.byStatus)}`,
      );
    }
    console.log('\nDone: every step above ran through one axios interceptor, and no secret was printed.');
  } finally {
    if (setup.owned) await setup.mock?.close();
  }
}
