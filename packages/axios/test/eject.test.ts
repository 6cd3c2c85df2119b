import axios from 'axios';
import { describe, expect, it } from 'vitest';
import { zenotiAuthInterceptor } from '../src/index.ts';
import { rejection, serviceUser, zenoti } from './support.ts';

describe('eject', () => {
  it('removes both interceptors: no Authorization is added and a 401 is not retried', async () => {
    const z = await zenoti();
    const api = axios.create({ baseURL: z.url });
    const eject = zenotiAuthInterceptor(api, serviceUser(z.url));
    expect((await api.get('/v1/centers')).status).toBe(200);
    z.control.expireAccessTokens(); // the cached token is now dead at Zenoti
    eject();
    const withoutHeader = await rejection(api.get('/v1/centers'));
    expect(withoutHeader.response?.status).toBe(401);
    const reused = await rejection(
      api.get('/v1/centers', { headers: { Authorization: 'bearer not-a-live-token-0000' } }),
    );
    expect(reused.response?.status).toBe(401);
    expect(reused.config?.headers.get('Authorization')).toBe('bearer not-a-live-token-0000'); // untouched
    const sent = z.control.requests().map((r) => [r.path, r.status, r.authorization?.slice(0, 6)]);
    expect(sent).toEqual([
      ['/v1/tokens', 200, undefined],
      ['/v1/centers', 200, 'bearer'],
      ['/v1/centers', 401, undefined],
      ['/v1/centers', 401, 'bearer'],
    ]);
    expect(z.control.counters().token.total).toBe(1);
  });
});
