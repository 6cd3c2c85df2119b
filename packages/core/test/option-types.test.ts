import { describe, expect, it } from 'vitest';
import { DEFAULTS, ZenotiAuth, type ZenotiAuthOptions } from '../src/index.ts';

// Compiled by `tsc -p tsconfig.test.json` (the typecheck CI runs) with exactOptionalPropertyTypes, as
// strict projects set it: an option read from the environment is `string | undefined`.
const env: Record<string, string | undefined> = {};

describe('option types under exactOptionalPropertyTypes', () => {
  it('take `undefined` for every optional option, and apply its default', () => {
    const withKey: ZenotiAuthOptions = {
      apiKey: 'a-key',
      baseUrl: env.ZENOTI_BASE_URL,
      allowedOrigins: undefined,
      timeoutMs: undefined,
      refreshWindowMs: undefined,
      retry: { retries: undefined, deadlineMs: undefined },
      rateLimit: { budget: undefined, maxWaitMs: undefined },
      store: undefined,
      now: undefined,
      onEvent: undefined,
      app: undefined,
      user: undefined,
    };
    const withApp: ZenotiAuthOptions = {
      app: { accountName: 'spa', appId: 'id', appSecret: 'secret', deviceId: env.ZENOTI_DEVICE_ID },
      user: undefined,
      apiKey: undefined,
      credentialsCooldownMs: undefined,
      shareInFlight: undefined,
    };
    expect(new ZenotiAuth(withKey).baseUrl).toBe(DEFAULTS.baseUrl);
    expect(new ZenotiAuth(withApp).mode).toBe('token');
  });
});
