import { describe, expect, it } from 'vitest';
import { ZenotiAuth } from '../src/index.ts';
import { recorder, serviceUser, settle, TestClock, tokenCalls, zenoti } from './support.ts';

const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

describe('a token endpoint that asked for a pause is not asked again by every caller', () => {
  it('remembers a 429 Retry-After with no live token: callers fail fast with RATE_LIMITED and the time left', async () => {
    const clock = new TestClock();
    const z = await zenoti({ now: clock.now });
    const auth = new ZenotiAuth(serviceUser(z.url, { now: clock.now }));
    z.control.injectFault('token', { kind: 'status', status: 429, headers: { 'retry-after': '60' } }, 1);
    await expect(auth.authorization()).rejects.toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: 60_000 });
    clock.advance(15_000);
    const burst = await settle(Array.from({ length: 20 }, () => auth.authorization()));
    for (const outcome of burst)
      expect(outcome).toMatchObject({
        status: 'rejected',
        reason: { code: 'RATE_LIMITED', status: 429, retryAfterMs: 45_000 },
      });
    expect(tokenCalls(z.control)).toBe(1);
    clock.advance(45_000);
    await expect(auth.authorization()).resolves.toMatch(/^bearer /);
    expect(tokenCalls(z.control)).toBe(2);
  });

  it('after a 5xx with no live token, callers that come within the pause join one retry', async () => {
    const z = await zenoti();
    // retries: 0 and a 300 ms backoff: the first failure opens a 300 ms pause.
    const retry = { retries: 0, minDelayMs: 300, maxDelayMs: 300 };
    const auth = new ZenotiAuth(serviceUser(z.url, { retry }));
    z.control.injectFault('token', { kind: 'status', status: 503 }, Number.POSITIVE_INFINITY);
    await expect(auth.authorization()).rejects.toMatchObject({ code: 'TOKEN_ENDPOINT', status: 503 });
    // Ten callers, one every 10 ms: each would have found the last one's flight failed, and made its own.
    const callers: Array<Promise<string>> = [];
    for (let i = 0; i < 10; i++) {
      callers.push(auth.authorization());
      await sleep(10);
    }
    for (const outcome of await settle(callers))
      expect(outcome).toMatchObject({ status: 'rejected', reason: { code: 'TOKEN_ENDPOINT' } });
    expect(tokenCalls(z.control)).toBe(2);
  });

  it('gives every caller of the pause the one retry’s token once the fault clears; an abort ends one wait only', async () => {
    const z = await zenoti();
    const { events, onEvent } = recorder();
    const auth = new ZenotiAuth(
      serviceUser(z.url, { retry: { retries: 0, minDelayMs: 300, maxDelayMs: 300 }, onEvent }),
    );
    z.control.injectFault('token', { kind: 'status', status: 502 }, 1);
    await expect(auth.authorization()).rejects.toMatchObject({ code: 'TOKEN_ENDPOINT' });
    const impatient = new AbortController();
    const waiting = auth.authorization({ signal: impatient.signal });
    const callers = Array.from({ length: 5 }, () => auth.authorization());
    impatient.abort();
    await expect(waiting).rejects.toMatchObject({ code: 'ABORTED' });
    const headers = await Promise.all(callers);
    expect(new Set(headers).size).toBe(1);
    expect(tokenCalls(z.control)).toBe(2);
    expect(events.filter((e) => e.type === 'token')).toHaveLength(1);
  });
});
