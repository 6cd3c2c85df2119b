// Options and environment variables are read from own properties only: a polluted
// `Object.prototype` (a dependency's bug, a merged request body) cannot redirect the key, the base
// URL or the fetch of an engine.
import { describe, expect, it } from 'vitest';
import { zenotiOptionsFromEnv } from '../src/env.ts';
import { ZenotiAuth } from '../src/index.ts';
import { D, serviceUser, zenoti } from './support.ts';

const polluted = Object.prototype as Record<string, unknown>;

/** Runs `test` with `values` set on `Object.prototype`, and removes them whatever happens. */
async function withPollution(values: Record<string, unknown>, test: () => Promise<void>): Promise<void> {
  Object.assign(polluted, values);
  try {
    await test();
  } finally {
    for (const name of Object.keys(values)) delete polluted[name];
  }
}

describe('a polluted Object.prototype', () => {
  it('cannot set the base URL, the API key or the fetch of an engine', async () => {
    const z = await zenoti();
    let hijacked = 0;
    let auth: ZenotiAuth | undefined;
    // The engine reads its options when it is made. (The mock Zenoti runs in this process too, and
    // does not work under the pollution: the calls come after it is removed.)
    await withPollution(
      {
        baseUrl: 'https://evil.example',
        apiKey: 'stolen-key',
        fetch: () => {
          hijacked++;
          return Promise.resolve(new Response('{}'));
        },
      },
      async () => {
        expect(new ZenotiAuth({ apiKey: D.apiKey }).baseUrl).toBe('https://api.zenoti.com');
        // Token mode: an `apiKey` on the prototype would make this "apiKey and app".
        auth = new ZenotiAuth(serviceUser(z.url));
      },
    );
    expect(auth?.mode).toBe('token');
    expect(auth?.baseUrl).toBe(z.url);
    expect((await auth?.fetch('/v1/centers'))?.status).toBe(200);
    expect(hijacked).toBe(0);
    expect(z.control.counters().token.password.ok).toBe(1);
  });

  it('cannot fill a hole of allowedOrigins from Array.prototype', () => {
    const list: string[] = [];
    list.length = 1;
    const arrays = Array.prototype as unknown as Record<number, string>;
    arrays[0] = 'https://evil.example';
    try {
      expect(() => new ZenotiAuth({ apiKey: D.apiKey, allowedOrigins: list })).toThrow(
        expect.objectContaining({ code: 'INVALID_OPTIONS', field: 'allowedOrigins[0]' }),
      );
    } finally {
      delete arrays[0];
    }
  });

  it('cannot add variables to the environment zenotiOptionsFromEnv reads', async () => {
    const z = await zenoti();
    await withPollution(
      { ZENOTI_API_KEY: 'stolen-key', ZENOTI_BASE_URL: 'https://evil.example' },
      async () => {
        const env = {
          ZENOTI_BASE_URL: z.url,
          ZENOTI_ACCOUNT_NAME: D.accountName,
          ZENOTI_APP_ID: D.employeeApp.appId,
          ZENOTI_APP_SECRET: D.employeeApp.appSecret,
        };
        const options = zenotiOptionsFromEnv(env);
        expect(options).toEqual({ baseUrl: z.url, app: { accountName: D.accountName, ...D.employeeApp } });
        expect(zenotiOptionsFromEnv({ ZENOTI_API_KEY: D.apiKey })).toEqual({ apiKey: D.apiKey });
      },
    );
  });
});
