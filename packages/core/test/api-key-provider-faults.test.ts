// An API key provider (a secrets manager) that hangs, fails or hands out keys Zenoti refuses must
// neither wedge the engine nor be called in a loop: it is read within `timeoutMs`, a failed read is
// not cached, and it is read at most once per `credentialsCooldownMs` after a failure or a 401.
import { describe, expect, it } from 'vitest';
import { ZenotiAuth } from '../src/index.ts';
import { D, TestClock, zenoti } from './support.ts';

const COOLDOWN_MS = 60_000; // credentialsCooldownMs, the default

/** A provider whose answers a test scripts, call by call; counts its calls. */
function provider(
  answer: (call: number) => string | Promise<string>,
): (() => Promise<string>) & { calls: number } {
  const read = Object.assign(
    async (): Promise<string> => {
      read.calls++;
      return answer(read.calls);
    },
    { calls: 0 },
  );
  return read;
}

const never = (): Promise<string> => new Promise<string>(() => undefined);

describe('an API key provider that hangs or fails', () => {
  it('one that never answers fails the call with TIMEOUT within timeoutMs; after the cool-down it is asked again', async () => {
    const z = await zenoti();
    const clock = new TestClock();
    const keys = provider((call) => (call === 1 ? never() : D.apiKey));
    const auth = new ZenotiAuth({ apiKey: keys, baseUrl: z.url, timeoutMs: 200, now: clock.now });
    const started = Date.now();
    const [first, second] = await Promise.all([
      auth.fetch('/v1/centers').catch((e: unknown) => e),
      auth.authorization().catch((e: unknown) => e),
    ]);
    const took = Date.now() - started;
    for (const error of [first, second])
      expect(error).toMatchObject({ code: 'TIMEOUT', field: 'apiKey', transient: true });
    expect(took).toBeGreaterThanOrEqual(190);
    expect(took).toBeLessThan(2_000);
    // The timed-out read is not cached, but is not asked again at once either: the cool-down.
    await expect(auth.fetch('/v1/centers')).rejects.toMatchObject({ code: 'TIMEOUT' });
    expect(keys.calls).toBe(1);
    clock.advance(COOLDOWN_MS);
    await expect(auth.fetch('/v1/centers')).resolves.toMatchObject({ status: 200 });
    expect(keys.calls).toBe(2);
    expect(z.control.counters().resources.byStatus['200']).toBe(1);
  });

  it('a caller’s AbortSignal ends its own wait for a provider that hangs', async () => {
    const z = await zenoti();
    const auth = new ZenotiAuth({ apiKey: provider(never), baseUrl: z.url, timeoutMs: 10_000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const started = Date.now();
    await expect(auth.fetch('/v1/centers', { signal: controller.signal })).rejects.toMatchObject({
      code: 'ABORTED',
    });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('one that rejects is asked again by a later call, but not more often than once per cool-down', async () => {
    const z = await zenoti();
    const clock = new TestClock();
    const keys = provider((call) => {
      if (call < 3) throw new Error('vault down');
      return D.apiKey;
    });
    const auth = new ZenotiAuth({ apiKey: keys, baseUrl: z.url, now: clock.now });
    for (let i = 0; i < 20; i++)
      await expect(auth.fetch('/v1/centers')).rejects.toMatchObject({
        code: 'INVALID_OPTIONS',
        field: 'apiKey',
      });
    expect(keys.calls).toBe(1);
    clock.advance(COOLDOWN_MS - 1);
    await expect(auth.authorization()).rejects.toMatchObject({ field: 'apiKey' });
    expect(keys.calls).toBe(1);
    clock.advance(1);
    await expect(auth.authorization()).rejects.toMatchObject({ field: 'apiKey' });
    expect(keys.calls).toBe(2);
    clock.advance(COOLDOWN_MS);
    await expect(auth.fetch('/v1/centers')).resolves.toMatchObject({ status: 200 });
    expect(keys.calls).toBe(3);
    expect(z.control.counters().resources.total).toBe(1);
  });

  it.each([
    [
      'fails after its first key',
      (call: number) => (call === 1 ? D.apiKey : Promise.reject(new Error('vault down'))),
    ],
    [
      'hands out a new key Zenoti refuses each time',
      (call: number) => (call === 1 ? D.apiKey : `refused-key-${call}`),
    ],
  ])(
    '50 calls that meet 401 ask a provider that %s twice in all, in a row or at once',
    async (_name, answer) => {
      const z = await zenoti();
      const clock = new TestClock();
      const keys = provider(answer);
      const auth = new ZenotiAuth({ apiKey: keys, baseUrl: z.url, now: clock.now });
      z.control.revokeApiKey(D.apiKey);
      for (let i = 0; i < 50; i++) await expect(auth.fetch('/v1/centers')).rejects.toBeDefined();
      expect(keys.calls).toBe(2); // the first read, and one after the first 401
      clock.advance(COOLDOWN_MS);
      const burst = await Promise.allSettled(Array.from({ length: 50 }, () => auth.fetch('/v1/centers')));
      expect(burst.every((outcome) => outcome.status === 'rejected')).toBe(true);
      expect(keys.calls).toBe(3); // one more for the whole burst, after the cool-down
    },
  );
});
