import { describe, expect, it } from 'vitest';
import { ZenotiAuth } from '../src/index.ts';
import { serviceUser, zenoti } from './support.ts';

const fast = { retry: { retries: 4, minDelayMs: 20, maxDelayMs: 100, deadlineMs: 5_000 }, timeoutMs: 300 };

describe('token endpoint faults', () => {
  it.each([
    ['500s', { kind: 'status', status: 500 } as const],
    ['503s', { kind: 'status', status: 503 } as const],
    ['dropped connections', { kind: 'drop' } as const],
    ['hangs', { kind: 'hang' } as const],
  ])('retries through %s and succeeds when the fault clears', async (_name, fault) => {
    const z = await zenoti();
    const auth = new ZenotiAuth(serviceUser(z.url, fast));
    z.control.injectFault('token', fault, 2);
    const headers = await Promise.all(Array.from({ length: 20 }, () => auth.authorization()));
    expect(new Set(headers).size).toBe(1);
    const token = z.control.counters().token;
    expect(token.faulted).toBe(2);
    expect(token.password.ok).toBe(1);
    expect(token.total).toBe(3);
  });

  it('waits a random (jittered) time below a growing cap between attempts', async () => {
    const z = await zenoti();
    const firstGaps: number[] = [];
    for (let run = 0; run < 6; run++) {
      const times: number[] = [];
      const timedFetch: typeof fetch = (input, init) => {
        times.push(performance.now());
        return fetch(input, init);
      };
      const auth = new ZenotiAuth(
        serviceUser(z.url, { fetch: timedFetch, retry: { retries: 2, minDelayMs: 80, maxDelayMs: 1_000 } }),
      );
      z.control.injectFault('token', { kind: 'status', status: 503 }, 2);
      await auth.authorization();
      expect(times).toHaveLength(3);
      const [t0, t1, t2] = times as [number, number, number];
      expect(t1 - t0).toBeLessThan(80 + 60); // first wait is in [0, 80)
      expect(t2 - t1).toBeLessThan(160 + 60); // second wait is in [0, 160)
      firstGaps.push(Math.round(t1 - t0));
    }
    // Full jitter: six runs do not all wait the same time.
    expect(Math.max(...firstGaps) - Math.min(...firstGaps)).toBeGreaterThan(5);
  });

  it('spreads retries with jittered, growing backoff', async () => {
    const z = await zenoti();
    const auth = new ZenotiAuth(
      serviceUser(z.url, { retry: { retries: 3, minDelayMs: 100, maxDelayMs: 1_000 } }),
    );
    z.control.injectFault('token', { kind: 'status', status: 502 }, 3);
    const started = Date.now();
    await auth.authorization();
    // Full jitter: the three waits are random in [0,100), [0,200), [0,400): never more than 700 ms in total.
    expect(Date.now() - started).toBeLessThan(700 + 500);
    expect(z.control.counters().token.total).toBe(4);
  });

  it('lets one caller abort its own wait while the shared refresh carries on for the others', async () => {
    const z = await zenoti();
    const auth = new ZenotiAuth(serviceUser(z.url, { ...fast, timeoutMs: 400 }));
    z.control.injectFault('token', { kind: 'hang' }, 1);
    const controller = new AbortController();
    const impatient = auth.authorization({ signal: controller.signal });
    const patient = auth.authorization();
    setTimeout(() => controller.abort(), 50);
    await expect(impatient).rejects.toMatchObject({ code: 'ABORTED' });
    await expect(patient).resolves.toMatch(/^bearer /);
    expect(z.control.counters().token.password.ok).toBe(1);
  });

  it('turns a permanent 5xx into TOKEN_ENDPOINT after the retry budget', async () => {
    const z = await zenoti();
    const auth = new ZenotiAuth(serviceUser(z.url, { ...fast, retry: { ...fast.retry, retries: 2 } }));
    z.control.injectFault('token', { kind: 'status', status: 500 }, 100);
    await expect(auth.authorization()).rejects.toMatchObject({ code: 'TOKEN_ENDPOINT', status: 500 });
    expect(z.control.counters().token.total).toBe(3);
  });

  it('turns a permanent hang into TIMEOUT at the deadline, never a hang', async () => {
    const z = await zenoti();
    const auth = new ZenotiAuth(
      serviceUser(z.url, {
        timeoutMs: 200,
        retry: { retries: 100, minDelayMs: 10, maxDelayMs: 20, deadlineMs: 900 },
      }),
    );
    z.control.injectFault('token', { kind: 'hang' }, 1_000);
    const started = Date.now();
    await expect(auth.authorization()).rejects.toMatchObject({ code: 'TIMEOUT' });
    expect(Date.now() - started).toBeLessThan(900 + 400);
  });

  it('does not retry a 400 from the token endpoint', async () => {
    const z = await zenoti();
    const auth = new ZenotiAuth(serviceUser(z.url, fast));
    z.control.injectFault('token', { kind: 'status', status: 400 }, 5);
    await expect(auth.authorization()).rejects.toMatchObject({ code: 'TOKEN_ENDPOINT', status: 400 });
    expect(z.control.counters().token.total).toBe(1);
  });
});
