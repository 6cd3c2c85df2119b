import { describe, expect, it } from 'vitest';
import { configFromEnv } from '../src/config.ts';

describe('configFromEnv()', () => {
  it('names every missing variable at once, and never a value', () => {
    expect(() => configFromEnv({ ZENOTI_API_KEY: 'secret-key-value' })).toThrow(
      'express-demo: set ZENOTI_ACCOUNT_NAME, ZENOTI_APP_ID, ZENOTI_APP_SECRET, SESSION_SECRET (see apps/express-demo/README.md).',
    );
  });

  it('reads the base URL only when set', () => {
    const env = {
      ZENOTI_API_KEY: 'k',
      ZENOTI_ACCOUNT_NAME: 'spabliss',
      ZENOTI_APP_ID: 'id',
      ZENOTI_APP_SECRET: 's',
      SESSION_SECRET: 'x'.repeat(32),
    };
    expect(configFromEnv(env).zenoti).toEqual({
      apiKey: 'k',
      guestApp: { accountName: 'spabliss', appId: 'id', appSecret: 's' },
    });
    expect(configFromEnv({ ...env, ZENOTI_BASE_URL: 'http://127.0.0.1:4010' }).zenoti.baseUrl).toBe(
      'http://127.0.0.1:4010',
    );
  });
});
