import { describe, expect, it } from 'vitest';
import { demo, get, mockZenoti, tokenEnv } from './support.ts';

describe('nest-demo GET /health (terminus + ZenotiHealthIndicator)', () => {
  it('200 with zenoti up and no call to Zenoti; after a call, the token’s expiry', async () => {
    const mock = await mockZenoti();
    const { url } = await demo(tokenEnv(mock.url));
    const fresh = await get(url, '/health');
    expect(fresh).toMatchObject({
      status: 200,
      body: {
        status: 'ok',
        info: { zenoti: { status: 'up', health: 'ok', checks: { token: { present: false } } } },
      },
    });
    const { token, resources } = mock.control.counters();
    expect(token.total + resources.total).toBe(0);

    expect((await get(url, '/centers')).status).toBe(200);
    const working = await get(url, '/health');
    expect(working).toMatchObject({
      status: 200,
      body: {
        info: {
          zenoti: { status: 'up', checks: { token: { present: true, expiresAt: expect.any(Number) } } },
        },
      },
    });
  });

  it('503 with zenoti down when Zenoti refuses the password, without the password', async () => {
    const mock = await mockZenoti();
    const { url } = await demo(tokenEnv(mock.url, { ZENOTI_PASSWORD: 'Not-The-Password-1' }));
    expect((await get(url, '/centers')).status).toBe(502);
    const down = await get(url, '/health');
    expect(down).toMatchObject({
      status: 503,
      body: {
        status: 'error',
        error: {
          zenoti: {
            status: 'down',
            health: 'down',
            checks: { credential: { status: 'down', lastError: { code: 'CREDENTIALS_REJECTED' } } },
          },
        },
      },
    });
    expect(down.raw).not.toContain('Not-The-Password-1');
  });
});
