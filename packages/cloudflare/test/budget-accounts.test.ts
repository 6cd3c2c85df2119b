import { describe, expect, it } from 'vitest';
import { D, fleet, get, memberBindings, zenoti } from './support.ts';

/** The bindings of an isolate that calls the mock as the `other` organisation's service user. */
function otherOrganisation(url: string, extra: Record<string, string>): Record<string, string> {
  return memberBindings(url, {
    ZENOTI_ACCOUNT_NAME: D.other.accountName,
    ZENOTI_APP_ID: D.other.employeeApp.appId,
    ZENOTI_APP_SECRET: D.other.employeeApp.appSecret,
    ZENOTI_USERNAME: D.other.employee.username,
    ZENOTI_PASSWORD: D.other.employee.password,
    ...extra,
  });
}

/** A budget of 3 calls a minute on the Durable Object, and no wait for a permit past 200 ms. */
const BUDGET = { BUDGET: 'durable', BUDGET_LIMIT: '3', BUDGET_INTERVAL_MS: '60000', MAX_WAIT_MS: '200' };

/** Two isolates, one per organisation, with `extra` budget bindings; the status of each call in turn. */
async function twoOrganisations(extra: Record<string, string> = {}) {
  const z = await zenoti();
  const workerd = await fleet({
    a: memberBindings(z.url, { ...BUDGET, ...extra }),
    b: otherOrganisation(z.url, { ...BUDGET, ...extra }),
  });
  const call = async (member: 'a' | 'b') => (await get(`${workerd.urls[member]}/zenoti/centers`)).status;
  return { workerd, call };
}

describe('DurableObjectRateBudget: one budget per organisation', () => {
  it('by default: organisation B is not RATE_LIMITED by what A spent', async () => {
    const { call, workerd } = await twoOrganisations();
    // A spends its window (a token call, two resource calls); its next call has no permit.
    expect([await call('a'), await call('a'), await call('a')], workerd.output()).toEqual([200, 200, 429]);
    // B's window is its own object's.
    expect([await call('b'), await call('b'), await call('b')]).toEqual([200, 200, 429]);
    expect((await get(`${workerd.urls.b}/warnings`)).body).toEqual({ warnings: [] });
  });

  it('with one `name` for both, is shared on purpose, and the object warns the second organisation', async () => {
    const { call, workerd } = await twoOrganisations({ BUDGET_NAME: `shared-${crypto.randomUUID()}` });
    expect([await call('a'), await call('a')]).toEqual([200, 200]);
    // One permit left in the shared window: B's token call takes it, its resource call finds none.
    expect(await call('b')).toBe(429);
    expect((await get(`${workerd.urls.a}/warnings`)).body).toEqual({ warnings: [] });
    expect((await get(`${workerd.urls.b}/warnings`)).body).toEqual({
      warnings: [
        `[@zenoti-auth/cloudflare] The rate budget of "${D.accountName.toLowerCase()}" paces "${D.other.accountName.toLowerCase()}" too: two organisations, one window.`,
      ],
    });
  });
});
