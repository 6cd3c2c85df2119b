import { createServer } from 'node:net';
import { type TokenSet, ZenotiAuth, type ZenotiAuthOptions } from '@zenoti-auth/core';
import { RedisTokenStore } from '@zenoti-auth/redis';
import { encryption } from '@zenoti-auth/redis/encryption';
import { RedisRateBudget } from '@zenoti-auth/redis/rate-budget';
import { describe, expect, it } from 'vitest';
import type { FleetStatusReport } from '../src/index.ts';
import {
  cli,
  D,
  DEMO_GUEST_PASSWORDS,
  DEMO_ORG_SECRETS,
  expectNoSecrets,
  ioredis,
  onCleanup,
  REDIS_URL,
  serviceUserLogin,
  uniquePrefix,
  zenoti,
} from './support.ts';

const ENCRYPTION_KEY = 'cli status test encryption key, 32+ characters';

/** A store (and budget) on the test's Redis and prefix, as a fleet's process would have them. */
function fleetProcess(prefix: string, extra: { encrypted?: boolean } = {}) {
  const client = ioredis();
  const warnings: string[] = [];
  const store = new RedisTokenStore({
    client,
    prefix,
    onWarning: (message) => warnings.push(message),
    ...(extra.encrypted ? { encryption: encryption(ENCRYPTION_KEY) } : {}),
  });
  onCleanup(() => store.close());
  const budget = new RedisRateBudget({ client, prefix, onWarning: (message) => warnings.push(message) });
  return { client, store, budget, warnings };
}

const tokensOf = (set: TokenSet | undefined): string[] =>
  [set?.accessToken, set?.refreshToken].filter((t): t is string => typeof t === 'string');

describe('zenoti-auth status', () => {
  it('shows a token set’s version and expiry, the lock, a guard and the budget window; no secret', async () => {
    const z = await zenoti({ rateLimit: { limit: 60, windowSeconds: 60 } });
    const prefix = uniquePrefix();
    const { client, store, budget } = fleetProcess(prefix);
    const login = serviceUserLogin(z.url) as ZenotiAuthOptions;
    const engine = new ZenotiAuth({ ...login, store, rateLimit: { budget } });
    const response = await engine.fetch('/v1/centers');
    expect(response.status).toBe(200);
    await response.arrayBuffer();
    // A wrong password (another key: the key hashes the password) leaves a guard for the fleet.
    const wrongPassword = 'Wrong-Password-In-Status-2290';
    const wrong = new ZenotiAuth({
      baseUrl: z.url,
      app: { accountName: D.accountName, ...D.employeeApp },
      user: { username: D.employee.username, password: wrongPassword },
      store,
      rateLimit: { budget },
    });
    await expect(wrong.authorization()).rejects.toMatchObject({ code: 'CREDENTIALS_REJECTED' });
    // A process holding the refresh lock of the service user's key.
    const setKey = (await client.keys(`${prefix}*`)).find((key) => key.endsWith('}'));
    const coreKey = setKey?.slice(prefix.length + 1, -1) ?? '';
    const lock = await store.lock?.(coreKey, { ttlMs: 30_000 });
    onCleanup(async () => lock?.release());
    const stored = JSON.parse((await client.get(setKey ?? '')) ?? '{}') as { v: number; s: TokenSet };

    const run = await cli(['status', '--redis', REDIS_URL, '--prefix', prefix, '--json']);
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as FleetStatusReport;
    expect(report).toMatchObject({
      ok: true,
      redis: { host: '127.0.0.1', port: 6379, db: 0, tls: false },
      prefix,
      endUsers: [],
      truncated: false,
      error: null,
    });
    expect(report.keys.map((k) => k.kind)).toEqual(['service-user', 'service-user']);
    const good = report.keys.find((k) => k.key === coreKey);
    expect(good?.set).toMatchObject({
      version: stored.v,
      encrypted: false,
      // As stored, ms since the Unix epoch: the same number core's events and health() give.
      accessTokenExpiresAt: stored.s.accessTokenExpiresAt,
      refreshTokenExpiresAt: stored.s.refreshTokenExpiresAt,
      userType: 'Employee',
      hasRefreshToken: true,
      unreadable: null,
    });
    expect(good?.set?.ttlMs).toBeGreaterThan(0);
    expect(good?.lock?.ttlMs).toBeGreaterThan(20_000);
    expect(good?.guard).toBeNull();
    const guarded = report.keys.find((k) => k.key !== coreKey);
    expect(guarded).toMatchObject({
      set: null,
      lock: null,
      guard: { pause: { reason: 'credentials', code: 'CREDENTIALS_REJECTED' }, passwordStrikes: 1 },
    });
    // Three calls reached Zenoti (two password grants and the read): the budget follows its headers.
    expect(report.budgets).toEqual([
      expect.objectContaining({
        key: `${prefix}rate-budget:${D.accountName.toLowerCase()}`,
        account: D.accountName.toLowerCase(),
        limit: 60,
        intervalMs: 60_000,
        used: 3,
        remaining: 57,
        reported: true,
      }),
    ]);
    expect(report.budgets[0]?.windowEndsInMs).toBeGreaterThan(50_000);
    const secrets = [...DEMO_ORG_SECRETS, wrongPassword, ...tokensOf(stored.s)];
    expectNoSecrets(run, secrets);

    const text = await cli(['status', '--redis', REDIS_URL, '--prefix', prefix]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain('Service users (2)');
    expect(text.stdout).toMatch(
      new RegExp(`token set\\s+version ${stored.v}, access token expires \\S+ \\(in 2[34] h`),
    );
    expect(text.stdout).toMatch(/lock\s+held by a process refreshing \(lease ends in 2\d\.\d s\)/);
    expect(text.stdout).toMatch(
      /guard\s+paused \(credentials, CREDENTIALS_REJECTED\) until .*: ".+"; 1 password\(s\) rejected in a row/,
    );
    expect(text.stdout).toMatch(
      /rate-budget:\S+\s+account \S+: 3 of 60 per 1 min used, 57 left; window ends in \d\d\.\d s .*as Zenoti reported/,
    );
    expectNoSecrets(text, secrets);
  });

  it('encrypted sets: only the version, key id and TTL; end users counted, principals never shown', async () => {
    const z = await zenoti();
    const prefix = uniquePrefix();
    const { client, store } = fleetProcess(prefix, { encrypted: true });
    const service = new ZenotiAuth({ ...(serviceUserLogin(z.url) as ZenotiAuthOptions), store });
    await service.authorization();
    const guests = new ZenotiAuth({
      baseUrl: z.url,
      app: { accountName: D.accountName, ...D.guestApp },
      store,
    });
    const principal = 'session-cookie-principal-8812';
    const guest = D.guests[0];
    await guests.login({ username: guest?.username ?? '', password: guest?.password ?? '', principal });

    const run = await cli(['status', '--json'], { REDIS_URL }).then(async (noPrefix) => {
      // Without --prefix it reads the default prefix, not this test's.
      expect(noPrefix.code).toBe(0);
      expect((JSON.parse(noPrefix.stdout) as FleetStatusReport).prefix).toBe('zenoti-auth:');
      return cli(['status', '--json', '--prefix', prefix], { REDIS_URL });
    });
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as FleetStatusReport;
    expect(report.keys).toHaveLength(1);
    const stored = JSON.parse((await client.get(`${prefix}{${report.keys[0]?.key}}`)) ?? '{}') as {
      v: number;
    };
    expect(report.keys[0]?.set).toMatchObject({
      version: stored.v,
      encrypted: true,
      keyId: expect.any(String),
      accessTokenExpiresAt: null,
      hasRefreshToken: null,
      unreadable: null,
    });
    expect(report.keys[0]?.set?.ttlMs).toBeGreaterThan(0);
    expect(report.endUsers).toEqual([
      expect.objectContaining({ sessions: 1, encrypted: 1, liveAccessTokens: 0, guards: 0, locks: 0 }),
    ]);
    expect(report.endUsers[0]?.app).toMatch(/^zenoti-auth:v2:[0-9a-f]{32}$/);

    const text = await cli(['status', '--prefix', prefix], { REDIS_URL });
    expect(text.stdout).toMatch(
      /token set\s+version \d+, encrypted \(key id \S+\): expiry readable only with the key/,
    );
    expect(text.stdout).toMatch(
      /End users' sessions \(1\)\n {2}zenoti-auth:v2:\w+ {2}1 session\(s\): 1 encrypted/,
    );
    const sets = [
      await store.get(report.keys[0]?.key ?? ''),
      await store.get(`${report.endUsers[0]?.app}:principal:${principal}`),
    ];
    expect(sets.every(Boolean)).toBe(true);
    const secrets = [
      ...DEMO_ORG_SECRETS,
      ...DEMO_GUEST_PASSWORDS,
      ENCRYPTION_KEY,
      principal,
      ...sets.flatMap(tokensOf),
    ];
    expectNoSecrets(run, secrets);
    expectNoSecrets(text, secrets);
  });

  it('the URL’s password is never shown; an unreachable Redis is exit 1 with STORE and its cause', async () => {
    const secret = 'redis-url-password-5531';
    const reachable = await cli([
      'status',
      '--redis',
      `redis://default:${secret}@127.0.0.1:6379`,
      '--prefix',
      uniquePrefix(),
    ]);
    expect(reachable.code, reachable.stderr).toBe(0);
    expect(reachable.stdout).toContain('Redis 127.0.0.1:6379 db 0');
    expectNoSecrets(reachable, [secret]);

    const port = await freePort();
    const down = await cli(['status', '--redis', `redis://default:${secret}@127.0.0.1:${port}/2`, '--json']);
    expect(down.code).toBe(1);
    expect((JSON.parse(down.stdout) as FleetStatusReport).error).toMatchObject({
      code: 'STORE',
      message: `Redis at 127.0.0.1:${port} could not be read: ECONNREFUSED.`,
      transient: true,
    });
    const text = await cli(['status', '--redis', `redis://default:${secret}@127.0.0.1:${port}`]);
    expect(text.code).toBe(1);
    expect(text.stderr).toContain(
      `status failed: STORE: Redis at 127.0.0.1:${port} could not be read: ECONNREFUSED.`,
    );
    expectNoSecrets(down, [secret]);
    expectNoSecrets(text, [secret]);
  });
});

/** A loopback port nothing listens on (taken, then given back). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
