import { describe, expect, it } from 'vitest';
import { MemoryTokenStore, ZenotiAuth, type ZenotiAuthOptions } from '../src/index.ts';
import { D, guestApp, serviceUser, zenoti } from './support.ts';

/** A fetch that sends for real (to the mock) and keeps each token grant's `device_id`. */
function watching(): { deviceIds: unknown[]; fetch: typeof fetch } {
  const deviceIds: unknown[] = [];
  return {
    deviceIds,
    fetch: (input, init) => {
      if (String(input).endsWith('/v1/tokens') && typeof init?.body === 'string')
        deviceIds.push(JSON.parse(init.body).device_id);
      return fetch(input, init);
    },
  };
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/;

describe('device_id', () => {
  it('sends a stable GUID derived from the credentials when none is configured', async () => {
    const z = await zenoti();
    const grant = async (options: ZenotiAuthOptions): Promise<unknown> => {
      const w = watching();
      const auth = new ZenotiAuth({ ...options, fetch: w.fetch, store: new MemoryTokenStore() });
      expect((await auth.fetch('/v1/centers')).status).toBe(200);
      expect(w.deviceIds).toHaveLength(1);
      return w.deviceIds[0];
    };
    const first = await grant(serviceUser(z.url));
    expect(first).toMatch(GUID);
    // The same credentials on another instance (a restart): the same device.
    expect(await grant(serviceUser(z.url))).toBe(first);
    // Another app and login (a guest signing in on the guest app): another device id.
    const w = watching();
    const guests = new ZenotiAuth({ ...guestApp(z.url), fetch: w.fetch });
    const [alice] = D.guests;
    await guests.login({ username: alice?.username ?? '', password: alice?.password ?? '' });
    expect(w.deviceIds[0]).toMatch(GUID);
    expect(w.deviceIds[0]).not.toBe(first);
  });

  it('sends the configured app.deviceId as it is', async () => {
    const z = await zenoti();
    const w = watching();
    const base = serviceUser(z.url) as ZenotiAuthOptions & { app: Record<string, string> };
    const deviceId = 'c113476f-04e1-484c-b887-57414441cdcf';
    const auth = new ZenotiAuth({
      ...base,
      app: { ...base.app, deviceId },
      fetch: w.fetch,
      store: new MemoryTokenStore(),
    });
    expect((await auth.fetch('/v1/centers')).status).toBe(200);
    expect(w.deviceIds).toEqual([deviceId]);
  });
});
