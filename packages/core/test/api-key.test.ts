import { describe, expect, it } from 'vitest';
import { ZenotiAuth } from '../src/index.ts';
import { D, zenoti } from './support.ts';

describe('API key mode', () => {
  it('sends "apikey <key>" on every call and never calls the token endpoint', async () => {
    const z = await zenoti();
    const auth = new ZenotiAuth({ apiKey: D.apiKey, baseUrl: z.url });
    expect(await auth.authorization()).toBe(`apikey ${D.apiKey}`);
    const paths = ['/v1/centers', 'v1/centers', '/v1/guests/search?first_name=a'];
    for (const path of paths) {
      const res = await auth.fetch(path);
      expect(res.status).toBe(200);
      await res.arrayBuffer();
    }
    const seen = z.control.requests();
    expect(seen).toHaveLength(paths.length);
    for (const request of seen) expect(request.authorization).toBe(`apikey …${D.apiKey.slice(-4)}`);
    expect(z.control.counters().token.total).toBe(0);
    expect(auth.mode).toBe('apiKey');
  });

  it('fails with UNAUTHORIZED, without retry loops, when the key is revoked', async () => {
    const z = await zenoti();
    const auth = new ZenotiAuth({ apiKey: D.apiKey, baseUrl: z.url });
    z.control.revokeApiKey(D.apiKey);
    await expect(auth.fetch('/v1/centers')).rejects.toMatchObject({ code: 'UNAUTHORIZED', status: 401 });
    expect(z.control.counters().resources.total).toBe(1);
    expect(z.control.counters().token.total).toBe(0);
  });
});
