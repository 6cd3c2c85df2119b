import { describe, expect, it } from 'vitest';
import { fleet, get, memberBindings, sleep, zenoti } from './support.ts';

/** The store's lease (`lockTtlMs`): how long a dead holder keeps the refresh lock at most. */
const LEASE_MS = 1_000;
/** Core's retry.deadlineMs: without the lease, a waiter would wait this long for the lock. */
const DEADLINE_MS = 10_000;
const TTL_MS = 1_500;
/** How long the request that starts the refresh lives. */
const REQUEST_LIVES_MS = 500;

async function until(check: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`Timed out waiting for ${what}`);
    await sleep(10);
  }
}

describe('a refresh whose request is cancelled', () => {
  // The hung refresh reached Zenoti, which may have spent its single-use refresh token: the holder
  // claimed it in the store before sending it (core's refresh-claim.ts), so the next isolate never
  // sends it again; with the access token dead, it signs the service user in again.
  it('leaves the lock held no longer than its lease; the next request, in another isolate, signs in again', async () => {
    const z = await zenoti({ accessTokenTtlMs: TTL_MS });
    const bindings = memberBindings(z.url, { LOCK_TTL_MS: `${LEASE_MS}`, DEADLINE_MS: `${DEADLINE_MS}` });
    const workerd = await fleet({ m1: bindings, m2: bindings });
    const [m1, m2] = [workerd.urls.m1, workerd.urls.m2];
    expect((await get(`${m1}/zenoti/centers`)).status).toBe(200); // the password grant
    await sleep(TTL_MS + 200); // the access token has expired: the next request must refresh

    // The refresh's token call gets no answer. The request that started it lives 500 ms, then
    // answers and ends: workerd cancels what it left running, the refresh and the renewal of the
    // lock's lease included. (A client that disconnects would not do: workerd runs the handler on.)
    z.control.injectFault('token', { kind: 'hang' }, 1);
    const startedAt = Date.now();
    const warm = get(`${m1}/zenoti/warm?ms=${REQUEST_LIVES_MS}`);
    await until(() => z.control.counters().token.faulted === 1, 'the refresh to reach Zenoti');
    expect((await warm).body).toBe('gave up');
    // The cancelled request's lock is still held: nobody may refresh meanwhile.
    const heldMeanwhile = (await get<{ held: boolean }>(`${m1}/probe-lock`)).body.held;

    const next = await get<{ status: number }>(`${m2}/zenoti/centers`);
    const doneAfterMs = Date.now() - startedAt;
    const freeAfterwards = (await get<{ held: boolean }>(`${m1}/probe-lock`)).body.held;
    const { token } = z.control.counters();
    console.log(
      `[cancelled refresh] ${JSON.stringify({ leaseMs: LEASE_MS, deadlineMs: DEADLINE_MS, heldMeanwhile, nextStatus: next.status, doneAfterMs, freeAfterwards, tokenCalls: token.total, hung: token.faulted, refreshGrants: token.refresh.ok })}`,
    );

    expect(heldMeanwhile).toBe(false); // the probe did not get it: the dead request's lease ran
    expect(next.status, workerd.output()).toBe(200);
    // The next request waited for the lease to end (renewed while the first request lived), and not
    // for its own deadline (10 s).
    expect(doneAfterMs).toBeGreaterThanOrEqual(REQUEST_LIVES_MS + LEASE_MS / 3);
    expect(doneAfterMs).toBeLessThan(REQUEST_LIVES_MS + LEASE_MS + 3_000);
    expect(freeAfterwards).toBe(true);
    // It completed the refresh: the hung call (answered to no one) and one refresh, nothing else.
    expect(token.password.ok).toBe(2); // the first sign-in, and the one after the claimed refresh
    expect(token.refresh.ok).toBe(0); // the claimed refresh token was never sent again
    expect(token.refreshReused).toBe(0);
    expect(token.total).toBe(3);
    expect(token.refresh.rejected + token.password.rejected).toBe(0);
  });
});
