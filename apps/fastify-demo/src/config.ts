import type { TokenStore, ZenotiAuthEvent } from '@zenoti-auth/core';

/** What the demo needs to reach Zenoti (the real one or the mock) and to sign sessions. */
export interface DemoConfig {
  zenoti: {
    /** @default 'https://api.zenoti.com' */
    baseUrl?: string;
    /** Server-side API key: the centres list (through the proxy) and the guest lookup at sign-in. */
    apiKey: string;
    /** The Zenoti app whose Login User Type is Guest: guests sign in with their own password. */
    guestApp: { accountName: string; appId: string; appSecret: string };
  };
  /** Signs the session cookie (at least 32 characters). */
  sessionSecret: string;
  /** Mark the session cookie `Secure`. Turn off only for plain http on localhost. @default true */
  secureCookies?: boolean;
  /** Where the guests' token sets live. @default the process-wide memory store */
  store?: TokenStore;
  /** Receives the engines' events (tokens obtained, invalidated …) for logs; never given a secret. */
  onEvent?: (event: ZenotiAuthEvent) => void;
}

/** Environment variables the demo reads (from `process.env`). */
export interface DemoEnv {
  ZENOTI_BASE_URL?: string;
  ZENOTI_API_KEY?: string;
  ZENOTI_ACCOUNT_NAME?: string;
  ZENOTI_APP_ID?: string;
  ZENOTI_APP_SECRET?: string;
  SESSION_SECRET?: string;
}

const REQUIRED = [
  'ZENOTI_API_KEY',
  'ZENOTI_ACCOUNT_NAME',
  'ZENOTI_APP_ID',
  'ZENOTI_APP_SECRET',
  'SESSION_SECRET',
] as const;

/** Reads the configuration field by field; names every missing variable at once. */
export function configFromEnv(env: DemoEnv): DemoConfig {
  const missing = REQUIRED.filter((name) => !env[name]);
  if (missing.length > 0)
    throw new Error(`fastify-demo: set ${missing.join(', ')} (see apps/fastify-demo/README.md).`);
  return {
    zenoti: {
      ...(env.ZENOTI_BASE_URL ? { baseUrl: env.ZENOTI_BASE_URL } : {}),
      apiKey: env.ZENOTI_API_KEY as string,
      guestApp: {
        accountName: env.ZENOTI_ACCOUNT_NAME as string,
        appId: env.ZENOTI_APP_ID as string,
        appSecret: env.ZENOTI_APP_SECRET as string,
      },
    },
    sessionSecret: env.SESSION_SECRET as string,
  };
}
