import { createRequire } from 'node:module';
import { ZenotiAuth, type ZenotiAuthError } from '@zenoti-auth/core';
import axios from 'axios';
import { describe, expect, it } from 'vitest';
import { createZenotiAxios, zenotiAuthInterceptor } from '../src/index.ts';
import { D, zenoti } from './support.ts';

const require = createRequire(import.meta.url);

/** The error `make` throws: it must be a ZenotiAuthError `INVALID_OPTIONS` (never a TypeError). */
function thrown(make: () => unknown): ZenotiAuthError {
  try {
    make();
  } catch (error) {
    expect(error).toMatchObject({ name: 'ZenotiAuthError', code: 'INVALID_OPTIONS' });
    return error as ZenotiAuthError;
  }
  throw new Error('nothing was thrown');
}

describe('configuration mistakes', () => {
  it('refuses an axios baseURL other than the engine base URL, instead of quietly replacing it', async () => {
    const z = await zenoti();
    const error = thrown(() =>
      createZenotiAxios({ apiKey: D.apiKey, baseUrl: z.url }, { baseURL: 'https://api.zenoti.com' }),
    );
    expect(error.field).toBe('baseURL');
    expect(error.message).toBe(
      `[@zenoti-auth/axios] Option "baseURL" must be ${z.url} or left out (set "baseUrl" instead).`,
    );
    expect(error.message).toContain(z.url);
    expect(error.message).toContain('"baseUrl"');
    expect(error.message).not.toContain(D.apiKey);
    expect(thrown(() => createZenotiAxios({ apiKey: D.apiKey }, { baseURL: z.url })).field).toBe('baseURL');
    // The engine's own base URL (with or without a trailing slash) is fine.
    for (const baseURL of [z.url, `${z.url}/`]) {
      const api = createZenotiAxios({ apiKey: D.apiKey, baseUrl: z.url }, { baseURL });
      expect((await api.get('/v1/centers')).status).toBe(200);
    }
  });

  it('names missing options instead of failing with a TypeError', () => {
    for (const options of [undefined, null]) {
      const error = thrown(() => createZenotiAxios(options as never));
      expect(error.field).toBe('options');
      expect(thrown(() => zenotiAuthInterceptor(axios.create(), options as never)).field).toBe('options');
    }
  });

  it('names a first argument that is not an axios instance', () => {
    const auth = new ZenotiAuth({ apiKey: D.apiKey });
    for (const instance of [undefined, null, {}, 'axios', auth]) {
      const error = thrown(() => zenotiAuthInterceptor(instance as never, auth));
      expect(error.field).toBe('instance');
      expect(error.message).toMatch(
        /^\[@zenoti-auth\/axios\] Option "instance" must be an axios instance \(got \w+\)\.$/,
      );
    }
    expect(typeof zenotiAuthInterceptor(axios, auth)).toBe('function'); // the default instance too
  });

  it('takes an engine from the CommonJS copy of core as it is, and a look-alike as options', async () => {
    const z = await zenoti();
    const cjs = require('@zenoti-auth/core') as typeof import('@zenoti-auth/core');
    expect(cjs.ZenotiAuth).not.toBe(ZenotiAuth); // another copy of the class
    const engine = new cjs.ZenotiAuth({ apiKey: D.apiKey, baseUrl: z.url });
    const api = axios.create({ baseURL: z.url });
    zenotiAuthInterceptor(api, engine);
    expect((await api.get('/v1/centers')).status).toBe(200);
    expect(z.control.requests()[0]?.authorization).toMatch(/^apikey …/);
    // Something that merely looks like an engine is not one: core validates it as options.
    const lookAlike = { authorization: async () => `apikey ${D.apiKey}`, baseUrl: z.url };
    const error = thrown(() => zenotiAuthInterceptor(axios.create(), lookAlike as never));
    expect(error.field).toBe('authorization');
  });
});
