import { describe, expect, it } from 'vitest';
import { ZenotiAuth } from '../src/index.ts';
import { D, TestClock, zenoti } from './support.ts';

const DAY = 86_400_000;

/** A stand-in for a secrets manager: holds the current key and counts reads. */
function secrets(initial: string): { provider: () => Promise<string>; key: string; reads: number } {
  const vault = {
    key: initial,
    reads: 0,
    provider: async (): Promise<string> => {
      vault.reads++;
      return vault.key;
    },
  };
  return vault;
}

describe('an API key from a provider', () => {
  it('is read once, by the first of many concurrent callers, and cached', async () => {
    const z = await zenoti();
    const vault = secrets(D.apiKey);
    const auth = new ZenotiAuth({ apiKey: vault.provider, baseUrl: z.url });
    expect(auth.mode).toBe('apiKey');
    expect(auth.peekAuthorization()).toBeUndefined();
    const statuses = await Promise.all(
      Array.from({ length: 10 }, async () => (await auth.fetch('/v1/centers')).status),
    );
    expect(statuses).toEqual(Array(10).fill(200));
    expect(vault.reads).toBe(1);
    expect(auth.peekAuthorization()).toBe(`apikey ${D.apiKey}`);
  });

  it('rotates mid-traffic with 0 failed calls: the old key’s 401 asks the provider once for the new one', async () => {
    const z = await zenoti();
    const vault = secrets(D.apiKey);
    const auth = new ZenotiAuth({ apiKey: vault.provider, baseUrl: z.url });
    const statuses: number[] = [];
    const round = async (): Promise<void> => {
      const answers = await Promise.all(Array.from({ length: 5 }, () => auth.fetch('/v1/centers')));
      statuses.push(...answers.map((r) => r.status));
    };
    for (let i = 0; i < 4; i++) await round();
    // The key is rotated at Zenoti; the secrets manager has the new one. The old one still works…
    vault.key = z.control.rotateApiKey(D.accountName, D.apiKey);
    for (let i = 0; i < 4; i++) await round();
    // …for a week (Zenoti's grace period); then it is refused.
    z.control.advanceTime(8 * DAY);
    for (let i = 0; i < 4; i++) await round();

    expect(statuses).toEqual(Array(60).fill(200));
    expect(vault.reads).toBe(2);
    expect(z.control.counters().resources.byStatus['401']).toBeGreaterThanOrEqual(1);
    expect(auth.peekAuthorization()).toBe(`apikey ${vault.key}`);
  });

  it('fails with UNAUTHORIZED when the provider has no newer key, and does not ask again for the same key at once', async () => {
    const z = await zenoti();
    const vault = secrets(D.apiKey);
    const auth = new ZenotiAuth({ apiKey: vault.provider, baseUrl: z.url });
    z.control.revokeApiKey(D.apiKey);
    await expect(auth.fetch('/v1/centers')).rejects.toMatchObject({ code: 'UNAUTHORIZED', status: 401 });
    await expect(auth.fetch('/v1/centers')).rejects.toMatchObject({ code: 'UNAUTHORIZED', status: 401 });
    expect(vault.reads).toBe(2); // the first read, and one ask after the first 401
  });

  it('gives a typed error, without the provider’s details, when the provider fails or returns a bad key; a call after the cool-down asks again', async () => {
    const z = await zenoti();
    const clock = new TestClock();
    let attempt = 0;
    const auth = new ZenotiAuth({
      baseUrl: z.url,
      now: clock.now,
      apiKey: async () => {
        attempt++;
        if (attempt === 1) throw new Error(`vault down: https://vault.local/?token=${D.apiKey}`);
        if (attempt === 2) return 'key with spaces';
        return D.apiKey;
      },
    });
    const failed = await auth.authorization().catch((e: Error) => e);
    expect(failed).toMatchObject({ code: 'INVALID_OPTIONS', field: 'apiKey', transient: true });
    expect(JSON.stringify(failed) + String((failed as Error).message)).not.toContain(D.apiKey);
    clock.advance(60_000); // credentialsCooldownMs
    await expect(auth.authorization()).rejects.toMatchObject({ code: 'INVALID_OPTIONS', field: 'apiKey' });
    clock.advance(60_000);
    await expect(auth.fetch('/v1/centers')).resolves.toMatchObject({ status: 200 });
    expect(attempt).toBe(3);
  });
});
