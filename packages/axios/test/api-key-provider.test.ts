import { describe, expect, it } from 'vitest';
import { createZenotiAxios } from '../src/index.ts';
import { D, zenoti } from './support.ts';

describe('an API key from a provider (a secrets manager)', () => {
  it('waits for the first read, then serves a key rotated mid-traffic with 0 failed calls', async () => {
    const z = await zenoti();
    const vault = { key: D.apiKey as string, reads: 0 };
    const api = createZenotiAxios({
      baseUrl: z.url,
      apiKey: async () => {
        vault.reads++;
        return vault.key;
      },
    });
    const burst = async (): Promise<number[]> =>
      (await Promise.all(Array.from({ length: 5 }, () => api.get('/v1/centers')))).map((r) => r.status);
    const statuses = [...(await burst())];
    vault.key = z.control.rotateApiKey(D.accountName, D.apiKey);
    statuses.push(...(await burst()));
    z.control.advanceTime(8 * 86_400_000); // past Zenoti's week of grace: the old key is refused
    statuses.push(...(await burst()), ...(await burst()));
    expect(statuses).toEqual(Array(20).fill(200));
    expect(vault.reads).toBe(2);
    expect(z.control.counters().resources.byStatus['401']).toBeGreaterThanOrEqual(1);
  });
});
