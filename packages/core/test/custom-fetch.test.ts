import { describe, expect, it } from 'vitest';
import { ZenotiAuth } from '../src/index.ts';
import { D, zenoti } from './support.ts';

describe('a custom fetch option', () => {
  it('receives one complete Request carrying the credential, for every resource call and retry', async () => {
    const z = await zenoti();
    const seen: Array<{ isRequest: boolean; init: unknown; authorization: string | null; body: string }> = [];
    const auth = new ZenotiAuth({
      apiKey: D.apiKey,
      baseUrl: z.url,
      fetch: async (input, init) => {
        const request = input as Request;
        seen.push({
          isRequest: input instanceof Request,
          init,
          authorization: request.headers.get('authorization'),
          body: await request.clone().text(),
        });
        return fetch(input, init);
      },
    });
    expect((await auth.fetch('/v1/centers')).status).toBe(200);
    // A body survives a retry: the mock answers 429 once (Retry-After 0), the engine sends again.
    z.control.injectFault('resource', { kind: 'status', status: 429, headers: { 'retry-after': '0' } }, 1);
    const posted = await auth.fetch('/v1/centers', { method: 'POST', body: '{"name":"x"}' });
    expect(posted.status).toBeGreaterThanOrEqual(200);
    expect(seen).toHaveLength(3);
    for (const call of seen) {
      expect(call.isRequest).toBe(true);
      expect(call.init).toBeUndefined();
      expect(call.authorization).toBe(`apikey ${D.apiKey}`);
    }
    expect(seen[1]?.body).toBe('{"name":"x"}');
    expect(seen[2]?.body).toBe('{"name":"x"}');
  });
});
