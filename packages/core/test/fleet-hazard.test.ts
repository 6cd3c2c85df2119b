import { describe, expect, it } from 'vitest';
import { MemoryTokenStore, ZenotiAuth } from '../src/index.ts';
import { recorder, serviceUser, zenoti } from './support.ts';

/** Makes `other` refresh its token, which kills every older access token of the user at Zenoti. */
async function refreshElsewhere(other: ZenotiAuth): Promise<void> {
  const header = await other.authorization();
  other.accepted(header); // it worked for `other` (else a second 401 soon after would not count)
  expect(await other.invalidate(header)).toBe(true);
  expect(await other.authorization()).not.toBe(header);
}

const warnings = (events: ReturnType<typeof recorder>['events']): string[] =>
  events.flatMap((e) => (e.type === 'warning' ? [e.message] : []));

describe('the fleet hazard: another client refreshing the same credentials', () => {
  it('warns once, naming a shared store, when a token that worked is killed by a refresh this engine did not make', async () => {
    const z = await zenoti();
    const { events, onEvent } = recorder();
    const ours = new ZenotiAuth(serviceUser(z.url, { onEvent }));
    // Another process with its own memory: same app, same service user, a store of its own.
    const theirs = new ZenotiAuth(serviceUser(z.url));
    expect((await ours.fetch('/v1/centers')).status).toBe(200);

    await refreshElsewhere(theirs);
    // The 401 is retried with a new token: the caller is served, and told why it happened.
    expect((await ours.fetch('/v1/centers')).status).toBe(200);
    await refreshElsewhere(theirs);
    expect((await ours.fetch('/v1/centers')).status).toBe(200);

    expect(z.control.counters().resources.byStatus['401']).toBe(2);
    const said = warnings(events);
    expect(said).toHaveLength(1);
    expect(said[0]).toMatch(/another client .* same credentials/);
    expect(said[0]).toContain('RedisTokenStore');
    const { password } = serviceUser(z.url).user as { password: string };
    expect(said[0]).not.toContain(password);
  });

  it('says nothing when the engines share one store: they never kill each other’s tokens', async () => {
    const z = await zenoti();
    const { events, onEvent } = recorder();
    const store = new MemoryTokenStore();
    const ours = new ZenotiAuth(serviceUser(z.url, { store, onEvent }));
    const theirs = new ZenotiAuth(serviceUser(z.url, { store }));
    expect((await ours.fetch('/v1/centers')).status).toBe(200);
    await refreshElsewhere(theirs);
    expect((await ours.fetch('/v1/centers')).status).toBe(200);
    expect(z.control.counters().resources.byStatus['401']).toBeUndefined();
    expect(warnings(events)).toEqual([]);
  });

  it('says nothing of a token that never worked (a 401 about something else)', async () => {
    const z = await zenoti();
    const { events, onEvent } = recorder();
    const ours = new ZenotiAuth(serviceUser(z.url, { onEvent }));
    const header = await ours.authorization();
    expect(await ours.invalidate(header)).toBe(true);
    expect(warnings(events)).toEqual([]);
  });
});
