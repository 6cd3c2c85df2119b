import { createHash, createHmac, pbkdf2 as pbkdf2Callback } from 'node:crypto';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { computeIdentity, TokenKeys } from '../src/identity.ts';
import type { ZenotiAuthOptions } from '../src/index.ts';
import { resolveOptions } from '../src/validate.ts';
import { D, guestApp, serviceUser } from './support.ts';

const pbkdf2 = promisify(pbkdf2Callback);

// Identities only: no request is sent, so any loopback URL will do.
const BASE_URL = 'http://127.0.0.1:9';
const ORIGIN = 'http://127.0.0.1:9';

/** The parts as the identity joins them: each length-prefixed. */
const joined = (parts: string[]): string => parts.map((p) => `${p.length}:${p}`).join('|');
const sha256 = (parts: string[]): string => createHash('sha256').update(joined(parts)).digest('hex');
const appHashOf = (appSecret: string): string =>
  sha256(['app', ORIGIN, D.accountName, D.employeeApp.appId.toLowerCase(), appSecret]);

/** The v1 user part: a fast SHA-256 of the password, which anyone could test guesses against. */
const v1UserHash = (password: string): string =>
  sha256(['user', appHashOf(D.employeeApp.appSecret), D.employee.username.toLowerCase(), password]);

/** The GUID the identity makes of 32 hex digits. */
const guid = (h: string): string =>
  `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;

const identityOf = (options: ZenotiAuthOptions) => computeIdentity(resolveOptions(options));

/** The service user's identity with another app secret, all else the same. */
const withAppSecret = (appSecret: string) =>
  identityOf(serviceUser(BASE_URL, { app: { ...D.employeeApp, accountName: D.accountName, appSecret } }));

/** Milliseconds `work` took. */
async function timed(work: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await work();
  return performance.now() - start;
}

describe('store key names', () => {
  it("hold no fast hash of the service user's password: the v1 recipe finds it in no word list", async () => {
    const { serviceUser: key, deviceId } = await identityOf(serviceUser(BASE_URL));
    // Someone who reads the store's key names (and knows the demo app's secret) tries a word list
    // with the v1 recipe, which found the password in 260 guesses: now no word matches.
    const words = ['Zenoti-2026', 'Demo-2026', 'Password-2026', D.employee.password, 'Zenoti-Demo-2027'];
    for (const word of words) {
      expect(key).not.toContain(v1UserHash(word).slice(0, 32));
      expect(deviceId).not.toBe(guid(v1UserHash(word)));
    }
    expect(key).toMatch(/^zenoti-auth:v2:[0-9a-f]{32}:user:[0-9a-f]{32}$/);
  });

  it('stretch the password with PBKDF2 (600,000 iterations), salted by an HMAC keyed with the app secret', async () => {
    const { serviceUser: key, deviceId } = await identityOf(serviceUser(BASE_URL));
    // The recipe again, with node:crypto: each guess costs the whole PBKDF2, and the salt needs
    // the app secret, which key names do not show.
    const appHash = appHashOf(D.employeeApp.appSecret);
    const salt = createHmac('sha256', D.employeeApp.appSecret)
      .update(joined(['user', appHash, D.employee.username.toLowerCase()]))
      .digest();
    // Six rounds of 100,000 (Cloudflare's limit per call), each keyed on the one before.
    let bits = Buffer.from(D.employee.password);
    for (let round = 0; round < 6; round++) bits = await pbkdf2(bits, salt, 100_000, 32, 'sha256');
    const userHash = bits.toString('hex');
    expect(key).toBe(`zenoti-auth:v2:${appHash.slice(0, 32)}:user:${userHash.slice(0, 32)}`);
    expect(deviceId).toBe(guid(userHash));
  });

  it('need the app secret, and are derived once per process, not once per engine', async () => {
    const firstMs = await timed(() => withAppSecret('app-secret-one-0123456789'));
    const [a, b] = await Promise.all([
      withAppSecret('app-secret-one-0123456789'),
      withAppSecret('app-secret-two-0123456789'),
    ]);
    // Identities that differ only in the app secret share no user part and no device id.
    const userPart = (key: string | undefined): string => key?.split(':user:')[1] ?? '';
    expect(userPart(a.serviceUser)).toMatch(/^[0-9a-f]{32}$/);
    expect(userPart(a.serviceUser)).not.toBe(userPart(b.serviceUser));
    expect(a.deviceId).not.toBe(b.deviceId);
    // The same credentials again (another engine, options resolved anew): the same names, at once.
    const againMs = await timed(async () =>
      expect(await withAppSecret('app-secret-one-0123456789')).toEqual(a),
    );
    expect(firstMs / againMs).toBeGreaterThan(20);
  });

  it("put end users' keys under v2 as well, encoded, beside the app's hash", async () => {
    const keys = new TokenKeys(resolveOptions(guestApp(BASE_URL)));
    const appHash = sha256([
      'app',
      ORIGIN,
      D.accountName,
      D.guestApp.appId.toLowerCase(),
      D.guestApp.appSecret,
    ]);
    expect(await keys.of('alice:1')).toBe(`zenoti-auth:v2:${appHash.slice(0, 32)}:principal:alice%3A1`);
    expect(keys.deviceId).toBe(guid(appHash));
  });
});
