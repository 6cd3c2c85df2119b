import { startMockZenoti } from '@zenoti-auth/mock-server';
import { afterEach, describe, expect, it } from 'vitest';
import { run } from '../src/walk.ts';
import { D, serverSecrets, WatchedStore } from './support.ts';

const open: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((close) => close()));
});

describe('run(): the browser-free walk the root tour uses', () => {
  it('serves the app on a free port, walks centres, sign-in, profile and sign-out, stops, and prints no secret', async () => {
    const mock = await startMockZenoti({ rateLimit: false });
    open.push(() => mock.close());
    const store = new WatchedStore();
    const lines: string[] = [];
    await run({ mock, store, print: (line) => lines.push(line) });
    const out = lines.join('\n');
    expect(out).toMatch(/1\. Serve the Fastify app on 127\.0\.0\.1/);
    expect(out).toMatch(/Zenoti saw GET \/v1\/centers → 200 \(apikey …1093\)/);
    expect(out).toMatch(/→ 403 CROSS_SITE/);
    expect(out).toMatch(/event token: password grant → access token …\S{4}, expires \S+Z/);
    expect(out).toMatch(/→ 200, Alice Anderson <alice@example\.com>/);
    expect(out).toMatch(/→ 200 \{"signedOut":true,"revoked":true\}/);
    expect(out).toMatch(/GET \/me with the old cookie → 401 LOGIN_REQUIRED/);
    expect(mock.control.counters().revoke.ok).toBe(1);
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
    await expect(fetch(`${url}/`)).rejects.toThrow(); // the server is stopped
    for (const secret of [...serverSecrets(store), ...D.guests.map((g) => g.password)]) {
      expect(out).not.toContain(secret);
    }
    expect(out).not.toContain('$ARD#');
  });
});
