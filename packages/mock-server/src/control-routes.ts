import type { Context, Hono } from 'hono';
import { errorResponse } from './responses.ts';
import type {
  BadAppAnswer,
  LockoutOptions,
  LoginPolicy,
  MockControl,
  MockEndpoint,
  MockFault,
  RateLimitOptions,
  RefreshReuse,
  RevokeAnswer,
  SeedUser,
} from './types.ts';

type Json = Record<string, unknown>;

async function jsonBody(c: Context): Promise<Json> {
  const text = await c.req.text();
  if (text.trim() === '') return {};
  const parsed: unknown = JSON.parse(text);
  // `POST /__mock/rate-limit` (or `/lockout`) with the body `false` switches it off.
  if (parsed === false) return { off: true };
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error('zenoti-mock: the control request body must be a JSON object');
  }
  return parsed as Json;
}

function str(body: Record<string, unknown>, name: string): string {
  const value = body[name];
  if (typeof value !== 'string') throw new Error(`zenoti-mock: "${name}" must be a string`);
  return value;
}

function num(body: Json, name: string): number {
  const value = body[name];
  if (typeof value !== 'number') throw new Error(`zenoti-mock: "${name}" must be a number`);
  return value;
}

/**
 * The HTTP face of {@link MockControl} under `/__mock`. Each route answers `{ ok: true, ... }`
 * or 400 `{ error: { code: 400, message } }` naming what was wrong.
 */
export function registerControlRoutes(app: Hono, control: MockControl): void {
  const route =
    (action: (body: Json, c: Context) => unknown) =>
    async (c: Context): Promise<Response> => {
      try {
        const result = action(await jsonBody(c), c);
        return c.json({ ok: true, ...(typeof result === 'object' && result !== null ? result : {}) }, 200);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        return errorResponse(c, 400, message);
      }
    };

  app.get('/__mock/counters', (c) => c.json(control.counters(), 200));
  app.get('/__mock/requests', (c) => c.json(control.requests(), 200));
  app.get('/__mock/now', (c) => c.json({ now: control.now() }, 200));
  app.post(
    '/__mock/reset',
    route(() => control.reset()),
  );
  app.post(
    '/__mock/reset-counters',
    route(() => control.resetCounters()),
  );
  app.post(
    '/__mock/users/password',
    route((b) => control.setPassword(str(b, 'accountName'), str(b, 'username'), str(b, 'password'))),
  );
  app.post(
    '/__mock/users',
    route((b) => control.addUser(str(b, 'accountName'), b.user as SeedUser)),
  );
  app.delete(
    '/__mock/users',
    route((b) => control.removeUser(str(b, 'accountName'), str(b, 'username'))),
  );
  app.post(
    '/__mock/users/login-policy',
    // Body: `{ accountName, username, loginPolicy }`; `loginPolicy` false or null clears it.
    route((b) => {
      if (!('loginPolicy' in b)) {
        throw new Error('zenoti-mock: "loginPolicy" must be a login policy object, false or null');
      }
      const policy = b.loginPolicy as LoginPolicy | false | null;
      control.setLoginPolicy(str(b, 'accountName'), str(b, 'username'), policy);
    }),
  );
  // Each body names the option it sets: `{ loginPolicyOnRefresh }`, `{ refreshReuse }`,
  // `{ revokeAnswer }`, `{ badAppAnswer }`.
  app.post(
    '/__mock/login-policy-on-refresh',
    route((b) => control.setLoginPolicyOnRefresh(b.loginPolicyOnRefresh as boolean)),
  );
  app.post(
    '/__mock/refresh-reuse',
    route((b) => control.setRefreshReuse(b.refreshReuse as RefreshReuse)),
  );
  app.post(
    '/__mock/revoke-answer',
    route((b) => control.setRevokeAnswer(b.revokeAnswer as RevokeAnswer)),
  );
  app.post(
    '/__mock/bad-app-answer',
    route((b) => control.setBadAppAnswer(b.badAppAnswer as BadAppAnswer)),
  );
  app.post(
    '/__mock/api-keys/rotate',
    route((b) => ({ key: control.rotateApiKey(str(b, 'accountName'), str(b, 'key')) })),
  );
  app.post(
    '/__mock/api-keys/revoke',
    route((b) => control.revokeApiKey(str(b, 'key'))),
  );
  app.post(
    '/__mock/token-ttl',
    route((b) => {
      if (b.accessTokenTtlMs !== undefined) control.setAccessTokenTtl(num(b, 'accessTokenTtlMs'));
      if (b.refreshTokenTtlMs !== undefined) control.setRefreshTokenTtl(num(b, 'refreshTokenTtlMs'));
    }),
  );
  app.post(
    '/__mock/expire-access-tokens',
    route(() => control.expireAccessTokens()),
  );
  app.post(
    '/__mock/latency',
    route((b) => control.setLatency(num(b, 'ms'), b.endpoint as MockEndpoint | undefined)),
  );
  app.post(
    '/__mock/rate-limit',
    // Body: `{ mode?, limit, windowSeconds, burst?, apis? }`, or `false` / `{ "off": true }` to switch it off.
    route((b) => control.setRateLimit(b.off === true ? false : (b as unknown as RateLimitOptions))),
  );
  app.post(
    '/__mock/lockout',
    // Body: `{ attempts?, windowMs?, unlockAfterMs? }`, or `false` / `{ "off": true }` to switch it off.
    route((b) => control.setLockout(b.off === true ? false : (b as LockoutOptions))),
  );
  app.get(
    '/__mock/users/lockout',
    // Query: `?accountName=…&username=…` → `{ ok, locked, lockedUntil, failedAttempts }`.
    route((_, c) => {
      const query = c.req.query();
      return control.lockoutStatus(str(query, 'accountName'), str(query, 'username'));
    }),
  );
  app.post(
    '/__mock/users/unlock',
    route((b) => control.unlockUser(str(b, 'accountName'), str(b, 'username'))),
  );
  app.post(
    '/__mock/faults',
    route((b) =>
      control.injectFault(b.endpoint as MockEndpoint, b.fault as MockFault, (b.times as number) ?? 1),
    ),
  );
  app.delete(
    '/__mock/faults',
    route(() => control.clearFaults()),
  );
  app.post(
    '/__mock/clock/advance',
    route((b) => control.advanceTime(num(b, 'ms'))),
  );
  app.all('/__mock/*', (c) => errorResponse(c, 404, 'Unknown control route.'));
}
