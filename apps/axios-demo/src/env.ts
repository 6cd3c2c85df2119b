import type { ZenotiApp, ZenotiUser } from '@zenoti-auth/core';

/** Where the demo runs: the embedded mock Zenoti, or a real one described by the environment. */
export type Target =
  | { kind: 'mock' }
  | {
      kind: 'zenoti';
      baseUrl: string;
      apiKey: string | undefined;
      login: { app: ZenotiApp; user: ZenotiUser } | undefined;
      /** Whether to revoke the user's sessions at Zenoti (ZENOTI_DEMO_REVOKE=1). */
      revoke: boolean;
    };

const LOGIN_VARS = [
  'ZENOTI_ACCOUNT_NAME',
  'ZENOTI_APP_ID',
  'ZENOTI_APP_SECRET',
  'ZENOTI_USERNAME',
  'ZENOTI_PASSWORD',
] as const;

/**
 * Reads the target from `ZENOTI_*` variables, field by field. Without `ZENOTI_BASE_URL` the demo
 * uses its embedded mock; with it, it needs `ZENOTI_API_KEY` and/or all five login variables.
 */
export function readTarget(env: NodeJS.ProcessEnv = process.env): Target {
  const baseUrl = env.ZENOTI_BASE_URL?.trim();
  if (!baseUrl) return { kind: 'mock' };
  const value = (name: string): string | undefined => env[name]?.trim() || undefined;
  const missing = LOGIN_VARS.filter((name) => value(name) === undefined);
  const apiKey = value('ZENOTI_API_KEY');
  if (apiKey === undefined && missing.length > 0) {
    throw new Error(
      `ZENOTI_BASE_URL is set, so the demo needs ZENOTI_API_KEY or all of ${LOGIN_VARS.join(', ')} (missing: ${missing.join(', ')}).`,
    );
  }
  const read = (name: (typeof LOGIN_VARS)[number]): string => value(name) ?? '';
  return {
    kind: 'zenoti',
    baseUrl,
    apiKey,
    login:
      missing.length > 0
        ? undefined
        : {
            app: {
              accountName: read('ZENOTI_ACCOUNT_NAME'),
              appId: read('ZENOTI_APP_ID'),
              appSecret: read('ZENOTI_APP_SECRET'),
            },
            user: { username: read('ZENOTI_USERNAME'), password: read('ZENOTI_PASSWORD') },
          },
    revoke: value('ZENOTI_DEMO_REVOKE') === '1',
  };
}
