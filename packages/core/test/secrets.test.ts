import { inspect } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemoryTokenStore, ZenotiAuth, type ZenotiAuthEvent } from '../src/index.ts';
import { D, zenoti } from './support.ts';

const secret = fc.stringMatching(/^[A-Za-z0-9+/=_.~-]{16,48}$/);
const password = fc
  .stringMatching(/^[A-Za-z0-9!#$%&()*+,.:;<=>?@^_{|}~ -]{10,40}$/)
  .filter((p) => p.trim() === p);

function iso7(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$10000Z');
}

/** Every text a user could see or log about these objects. */
function exposures(values: unknown[]): string[] {
  const out: string[] = [];
  for (const value of values) {
    out.push(inspect(value, { depth: 10, showHidden: true }));
    try {
      out.push(JSON.stringify(value) ?? '');
    } catch {
      // Not serialisable: inspect covers it.
    }
    if (value instanceof Error) {
      out.push(String(value), value.stack ?? '', value.message, inspect(value.cause, { depth: 10 }));
    }
  }
  return out;
}

describe('secrets never leak', () => {
  it('keeps random keys, passwords, app secrets and tokens out of errors, events and serialised engines', async () => {
    const z = await zenoti();
    await fc.assert(
      fc.asyncProperty(
        secret,
        password,
        secret,
        secret,
        secret,
        async (apiKey, pass, appSecret, accessToken, refreshToken) => {
          z.control.reset();
          const events: ZenotiAuthEvent[] = [];
          const errors: unknown[] = [];
          const onEvent = (event: ZenotiAuthEvent): void => {
            events.push(event);
          };
          const base = {
            baseUrl: z.url,
            onEvent,
            store: new MemoryTokenStore(),
            retry: { retries: 0 },
            credentialsCooldownMs: 0,
          };
          const keyAuth = new ZenotiAuth({ ...base, apiKey });
          const wrongSecret = new ZenotiAuth({
            ...base,
            app: { accountName: D.accountName, appId: D.employeeApp.appId, appSecret },
            user: { username: D.employee.username, password: pass },
          });
          const wrongPassword = new ZenotiAuth({
            ...base,
            app: { accountName: D.accountName, ...D.employeeApp },
            user: { username: D.employee.username, password: pass },
          });
          const guest = new ZenotiAuth({ ...base, app: { accountName: D.accountName, ...D.guestApp } });
          await keyAuth.fetch('/v1/centers').catch((e: unknown) => errors.push(e));
          await wrongSecret.authorization().catch((e: unknown) => errors.push(e));
          await wrongPassword.authorization().catch((e: unknown) => errors.push(e));
          await guest
            .login({ username: D.guests[0].username, password: pass })
            .catch((e: unknown) => errors.push(e));
          // Token responses that carry the random tokens but are unusable, then one that works.
          const creds = {
            access_token: accessToken,
            refresh_token: refreshToken,
            token_type: 'bearer',
            access_token_expiry: iso7(Date.now() - 1_000),
          };
          const bodies = [
            JSON.stringify({ credentials: creds, error: null }),
            JSON.stringify({
              credentials: { ...creds, access_token_expiry: iso7(Date.now() + 3_600_000) },
            }).slice(0, 60),
            JSON.stringify({
              credentials: null,
              error: { code: 500, message: `bad token ${accessToken} ${refreshToken}` },
            }),
            `<html>${accessToken}</html>`,
            JSON.stringify({
              credentials: { ...creds, access_token_expiry: iso7(Date.now() + 3_600_000) },
              error: null,
            }),
          ];
          const service = new ZenotiAuth({
            ...base,
            app: { accountName: D.accountName, ...D.employeeApp },
            user: { ...D.employee },
          });
          for (const raw of bodies) {
            z.control.injectFault('token', { kind: 'raw', body: raw }, 1);
            await service.authorization().catch((e: unknown) => errors.push(e));
          }
          await service.fetch('/v1/centers').catch((e: unknown) => errors.push(e)); // the random token gets 401s
          expect(errors.length).toBeGreaterThanOrEqual(8);
          const texts = exposures([
            ...errors,
            ...events,
            keyAuth,
            wrongSecret,
            wrongPassword,
            guest,
            service,
          ]);
          for (const value of [apiKey, pass, appSecret, accessToken, refreshToken]) {
            for (const text of texts) expect(text).not.toContain(value);
          }
        },
      ),
      { numRuns: 25 },
    );
    // Each run derives PBKDF2 key names (600,000 iterations, ~0.16 s) for fresh random passwords:
    // 25 runs take 15–25 s here, over vitest's default 20 s.
  }, 90_000);
});
