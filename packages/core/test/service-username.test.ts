import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ZenotiAuth } from '../src/index.ts';
import { D, guestApp, serviceUser, zenoti } from './support.ts';

// `serviceUsername` lets an end-user sign-in refuse the service user's own username (so that end
// users' wrong passwords cannot lock it); it gives the username, never the password.
describe('ZenotiAuth.serviceUsername', () => {
  it("is the service user's username, undefined without one; the password appears nowhere", async () => {
    const z = await zenoti();
    const withUser = new ZenotiAuth(serviceUser(z.url));
    expect(withUser.serviceUsername).toBe(D.employee.username);
    for (const shown of [JSON.stringify(withUser), inspect(withUser), String(withUser.serviceUsername)]) {
      expect(shown).not.toContain(D.employee.password);
    }
    expect(new ZenotiAuth(guestApp(z.url)).serviceUsername).toBeUndefined();
    expect(new ZenotiAuth({ baseUrl: z.url, apiKey: D.apiKey }).serviceUsername).toBeUndefined();
  });
});
