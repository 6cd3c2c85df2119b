import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { MockLiveState } from '../src/index.ts';
import { apikey, call, D, type Mock, startMock, T0 } from './helpers.ts';
import { all429s, LIVE_LIMIT, MARKUP_ACCOUNT, scriptedRun, startLiveMock } from './live-run.ts';

const liveState = async (mock: Mock): Promise<MockLiveState> =>
  (await call(mock, '/_mock/state.json')).body as MockLiveState;

describe('live page JSON (/_mock/state.json)', () => {
  it('reports the same counters as /__mock/counters after a scripted run, and the window in use', async () => {
    const mock = await startLiveMock();
    const { last } = await scriptedRun(mock);
    const state = await liveState(mock);
    const counters = (await call(mock, '/__mock/counters')).body;

    expect(state.counters).toEqual(counters);
    expect(state.counters.token).toMatchObject({
      password: { ok: 2, rejected: 3, invalid: 0, blocked: 0 },
      refresh: { ok: 1, rejected: 1, invalid: 0, blocked: 0 },
      refreshReused: 1,
      rateLimited: 1,
      lockouts: 1,
      lockedOut: 2,
    });
    expect(state.counters.revoke).toEqual({ total: 2, ok: 1, rejected: 0, faulted: 0, rateLimited: 1 });
    expect(state.counters.resources.byStatus['429']).toBe(2);
    expect(state.summary).toEqual({ rateLimited: 4, faulted: 0 });
    expect(all429s(counters)).toBe(4);

    // demo-spa's window is used up; the figures are the ones its last answer carried.
    const demo = state.windows.find((w) => w.accountName === D.accountName);
    expect(demo).toEqual({
      accountName: D.accountName,
      level: 'organization',
      mode: 'window',
      limit: LIVE_LIMIT,
      used: LIVE_LIMIT,
      remaining: Number(last.headers.get('ratelimit-remaining')),
      resetSeconds: Number(last.headers.get('ratelimit-reset')),
    });
    expect(demo?.remaining).toBe(0);
    expect(state.windows.find((w) => w.accountName === D.other.accountName)).toMatchObject({ used: 1 });
    expect(state.windows.find((w) => w.accountName === MARKUP_ACCOUNT)).toMatchObject({ used: 1 });
  });

  it('lists the last 50 requests, newest first, as the request log has them without header names', async () => {
    const mock = await startLiveMock();
    await scriptedRun(mock);
    // 40 more (401s: no authorization), so that the page's 50 are a part of the log.
    for (let i = 0; i < 40; i++) await call(mock, `/v1/centers/${i}`);
    const state = await liveState(mock);
    const logged = mock.control.requests();
    expect(logged.length).toBeGreaterThan(50);
    expect(state.requests).toHaveLength(50);
    const expected = logged
      .slice(-50)
      .reverse()
      .map(({ headerNames: _, ...request }) => request);
    expect(state.requests).toEqual(expected);
    expect(state.requests[0]).toEqual({ at: T0, method: 'GET', path: '/v1/centers/39', status: 401 });
    expect(state.requests.find((r) => r.method === 'DELETE')).toEqual({
      at: T0,
      method: 'DELETE',
      path: '/v1/tokens/sessions/revoke',
      status: 429,
      authorization: expect.stringMatching(/^bearer …[0-9a-z]{4}$/i),
    });
  });

  it('never shows a key, password, app secret or token, in the page or its JSON', async () => {
    const mock = await startLiveMock();
    const { secrets } = await scriptedRun(mock);
    const page = await fetch(`${mock.url}/_mock/`);
    const shown = `${await page.text()}\n${JSON.stringify(await liveState(mock))}`;
    expect(secrets.length).toBeGreaterThan(10);
    for (const secret of secrets) expect(shown).not.toContain(secret);
    expect(shown).toContain(`apikey …${D.apiKey.slice(-4)}`);
    // The call that had the key in its query string shows its path only.
    expect(shown).not.toContain('api_key=');
  });

  it('serves a self-contained page: its inline script and style are allowed by hash, nothing else loads', async () => {
    const mock = await startLiveMock();
    for (const path of ['/_mock/', '/_mock', '/_MOCK/']) {
      const page = await fetch(`${mock.url}${path}`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
      await page.arrayBuffer();
    }
    const page = await fetch(`${mock.url}/_mock/`);
    const html = await page.text();
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("connect-src 'self'");
    const script = /<script>([\s\S]*)<\/script>/.exec(html)?.[1] ?? '';
    const hash = createHash('sha256').update(script).digest('base64');
    expect(csp).toContain(`script-src 'sha256-${hash}'`);
    // No URL to another origin anywhere in the page.
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).toContain("fetch('/_mock/state.json'");
  });

  it('counts nowhere: polling the page changes no counter, request log entry, window or log line', async () => {
    const logged: string[] = [];
    const mock = await startLiveMock({ log: (line) => logged.push(line) });
    await call(mock, '/v1/centers', apikey());
    const before = await liveState(mock);
    for (let i = 0; i < 20; i++) await call(mock, '/_mock/state.json');
    await call(mock, '/_mock/');
    expect(await liveState(mock)).toEqual(before);
    expect(before.windows.find((w) => w.accountName === D.accountName)?.used).toBe(1);
    expect(mock.control.requests()).toHaveLength(1);
    expect(logged).toEqual([expect.stringMatching(/^GET \/v1\/centers 200 \d+ms$/)]);
  });

  it('is not served without control routes: /_mock/ and its JSON are unknown paths (404)', async () => {
    const mock = await startMock();
    const unknown = await call(mock, '/nope');
    for (const path of ['/_mock/', '/_mock/state.json']) {
      const answer = await call(mock, path);
      expect(answer.status).toBe(404);
      expect(answer.body).toEqual(unknown.body);
    }
    expect(mock.control.counters().resources.byStatus).toEqual({ '404': 3 });
  });

  it('answers 404 for unknown routes under /_mock with control routes on', async () => {
    const mock = await startLiveMock();
    expect((await call(mock, '/_mock/nope')).status).toBe(404);
  });
});
