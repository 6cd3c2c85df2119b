import { describe, expect, it } from 'vitest';
import { D, serverSecrets, startDemo } from './support.ts';

describe('hono-demo GET /health (zenotiHealth)', () => {
  it('200 with the snapshot and no call to Zenoti; 503 once Zenoti refuses the API key; no secret', async () => {
    const { url, control, store } = await startDemo();
    const fresh = await fetch(`${url}/health`);
    const freshText = await fresh.text();
    expect(fresh.status).toBe(200);
    expect(fresh.headers.get('cache-control')).toBe('no-store');
    expect(JSON.parse(freshText)).toMatchObject({
      ok: true,
      status: 'ok',
      checks: { credential: { status: 'ok', mode: 'apiKey' }, budget: { queued: 0 } },
    });
    expect(control.counters().resources.total).toBe(0);

    expect((await fetch(`${url}/api/zenoti/v1/centers`)).status).toBe(200);
    control.revokeApiKey(D.apiKey);
    expect((await fetch(`${url}/api/zenoti/v1/centers`)).status).not.toBe(200); // the key is refused
    const down = await fetch(`${url}/health`);
    const downText = await down.text();
    expect(down.status).toBe(503);
    expect(JSON.parse(downText)).toMatchObject({
      ok: false,
      status: 'down',
      checks: { credential: { status: 'down', lastError: { code: 'UNAUTHORIZED' } } },
    });
    for (const secret of serverSecrets(store)) expect(freshText + downText).not.toContain(secret);
  });
});
