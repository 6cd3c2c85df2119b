import { ZenotiAuth } from '@zenoti-auth/core';
import { MemoryRateBudget } from '@zenoti-auth/core/rate-budget';
import { RedisTokenStore } from '@zenoti-auth/redis';
import { freePorts, RedisProcess } from '@zenoti-auth/test-support/redis-topologies';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { D, onCleanup, otel, pointsWhere, serviceUser, serviceUserLogin, zenoti } from './support.ts';

const sum = (points: Array<{ value: number }>): number => points.reduce((total, p) => total + p.value, 0);

describe('metrics', () => {
  it('http.client.request.duration: one point per call, by method, server and status', async () => {
    const z = await zenoti();
    const o = otel();
    const auth = new ZenotiAuth({ apiKey: D.apiKey, baseUrl: z.url });
    for (let i = 0; i < 3; i++) await (await auth.fetch('/v1/centers')).arrayBuffer();
    await (await auth.fetch('/v1/nowhere', { method: 'POST' })).arrayBuffer();
    const metrics = await o.metrics();
    const port = Number(new URL(z.url).port);
    const ok = pointsWhere(metrics, 'http.client.request.duration', { 'http.response.status_code': 200 });
    expect(ok.map((p) => [p.attributes, p.count])).toEqual([
      [
        {
          'http.request.method': 'GET',
          'server.address': '127.0.0.1',
          'server.port': port,
          'http.response.status_code': 200,
        },
        3,
      ],
    ]);
    const missing = pointsWhere(metrics, 'http.client.request.duration', {
      'http.response.status_code': 404,
    });
    expect(
      missing.map((p) => [p.attributes['http.request.method'], p.attributes['error.type'], p.count]),
    ).toEqual([['POST', '404', 1]]);
    expect(ok[0]?.value).toBeGreaterThan(0);
  });

  it('zenoti.token.grants: by grant and outcome', async () => {
    const z = await zenoti();
    const o = otel();
    const auth = new ZenotiAuth(serviceUser(z.url));
    await auth.fetch('/v1/centers');
    z.control.expireAccessTokens();
    await auth.fetch('/v1/centers');
    const wrong = new ZenotiAuth(
      serviceUser(z.url, { user: { username: D.employee.username, password: 'wrong' } }),
    );
    await expect(wrong.authorization()).rejects.toMatchObject({ code: 'CREDENTIALS_REJECTED' });
    const points = (await o.metrics()).get('zenoti.token.grants') ?? [];
    expect(points.map((p) => [p.attributes, p.value])).toEqual([
      [{ 'zenoti.grant': 'password', 'zenoti.outcome': 'success' }, 1],
      [{ 'zenoti.grant': 'refresh', 'zenoti.outcome': 'success' }, 1],
      [{ 'zenoti.grant': 'password', 'zenoti.outcome': 'failure', 'error.type': 'CREDENTIALS_REJECTED' }, 1],
    ]);
  });

  it('zenoti.rate_limit.wait and .queued: the waits for a permit, and who waits now', async () => {
    const z = await zenoti();
    const o = otel();
    const budget = new MemoryRateBudget({ limit: 1, intervalMs: 400 });
    const auth = new ZenotiAuth({ apiKey: D.apiKey, baseUrl: z.url, rateLimit: { budget } });
    const calls = [auth.fetch('/v1/centers'), auth.fetch('/v1/centers'), auth.fetch('/v1/centers')];
    await new Promise((r) => setTimeout(r, 100));
    const during = await o.metrics();
    expect(sum(pointsWhere(during, 'zenoti.rate_limit.queued'))).toBe(2);
    await Promise.all(calls);
    const after = await o.metrics();
    expect(sum(pointsWhere(after, 'zenoti.rate_limit.queued'))).toBe(0);
    const [waits] = pointsWhere(after, 'zenoti.rate_limit.wait', { 'zenoti.outcome': 'success' });
    expect(waits?.count).toBe(2);
    // One waits a window (0.4 s), the other two.
    expect(waits?.value).toBeGreaterThan(1);
  });

  it('zenoti.rate_limit.remaining and .rejections: from Zenoti’s headers and its 429s, by organisation', async () => {
    const z = await zenoti({ rateLimit: { limit: 3, windowSeconds: 0.5 } });
    const o = otel();
    // A service user's engine knows its organisation; the token grant counts against the limit too.
    const auth = new ZenotiAuth({ ...serviceUser(z.url), rateLimit: { maxWaitMs: 5_000 } });
    await auth.fetch('/v1/centers'); // 1 password grant + 1 call
    const metrics = await o.metrics();
    expect(pointsWhere(metrics, 'zenoti.rate_limit.remaining').map((p) => [p.attributes, p.value])).toEqual([
      [{ 'zenoti.account': D.accountName }, 1],
    ]);
    // The window is spent after one more call: the next is answered 429, waited out, and served.
    const answers = await Promise.all([auth.fetch('/v1/centers'), auth.fetch('/v1/centers')]);
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    const later = await o.metrics();
    expect(pointsWhere(later, 'zenoti.rate_limit.rejections').map((p) => [p.attributes, p.value])).toEqual([
      [{ 'zenoti.account': D.accountName }, z.control.counters().resources.byStatus['429'] ?? 0],
    ]);
    expect(z.control.counters().resources.byStatus['429']).toBeGreaterThanOrEqual(1);
  });

  it('zenoti.store.errors: by operation, when the token store (a real Redis) goes down', async () => {
    const [port = 0] = await freePorts(1);
    const redis = new RedisProcess(port);
    await redis.start();
    onCleanup(() => redis.kill());
    const client = new Redis({ host: '127.0.0.1', port, maxRetriesPerRequest: 0, enableOfflineQueue: false });
    client.on('error', () => undefined);
    onCleanup(async () => client.disconnect());
    const z = await zenoti();
    const o = otel();
    const store = new RedisTokenStore({
      client,
      prefix: `otel-${process.pid}-${Date.now()}`,
      onWarning: () => undefined,
    });
    const auth = new ZenotiAuth({ ...serviceUserLogin(z.url), store, onEvent: () => undefined });
    await auth.authorization();
    expect(pointsWhere(await o.metrics(), 'zenoti.store.errors')).toEqual([]);
    await redis.kill();
    await auth.authorization(); // the store's read fails: the engine goes on with the set it saw
    const points = pointsWhere(await o.metrics(), 'zenoti.store.errors');
    expect(points.map((p) => p.attributes)).toContainEqual({ 'zenoti.store.operation': 'get' });
    expect(
      points.every((p) =>
        ['get', 'set', 'delete', 'getGuard', 'setGuard', 'lock', 'release'].includes(
          String(p.attributes['zenoti.store.operation']),
        ),
      ),
    ).toBe(true);
  });
});
