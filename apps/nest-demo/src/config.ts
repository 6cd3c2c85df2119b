import type { ConfigService } from '@nestjs/config';
import type { ZenotiAuthModuleOptions } from '@zenoti-auth/nestjs';

/** The environment variables the demo reads (all through ConfigService), one `ZENOTI_` prefix. */
export interface NestDemoEnv {
  /** Zenoti API base URL, e.g. https://api.zenoti.com. */
  ZENOTI_BASE_URL?: string | undefined;
  /** API key mode: the app's API key. */
  ZENOTI_API_KEY?: string | undefined;
  /** Token mode: the backend app … */
  ZENOTI_ACCOUNT_NAME?: string | undefined;
  ZENOTI_APP_ID?: string | undefined;
  ZENOTI_APP_SECRET?: string | undefined;
  /** … and the service user whose token the app keeps. */
  ZENOTI_USERNAME?: string | undefined;
  ZENOTI_PASSWORD?: string | undefined;
  /** A fleet: the token and the rate budget live in this Redis (`redis://…`), shared by every process. */
  REDIS_URL?: string | undefined;
  /** Put before the fleet's Redis keys. @default 'zenoti-auth:' */
  REDIS_PREFIX?: string | undefined;
}

/** What `createNestDemo()` needs. */
export interface NestDemoConfig {
  /** The Zenoti settings, as environment variables (`process.env` in `main.ts`). */
  env: NestDemoEnv;
  /** @default 0 (a free port) */
  port?: number;
  /** @default '127.0.0.1' */
  host?: string;
  /** Nest's logger; `false` for none. @default false */
  logger?: boolean;
  /** Extra core options (tests pass a clock or a private token store). @default {} */
  zenoti?: Partial<Pick<ZenotiAuthModuleOptions, 'now' | 'store' | 'rateLimit' | 'revokeOnShutdown'>>;
}

/**
 * The `forRootAsync` factory: ZenotiAuth options from ConfigService. An API key wins when both are set;
 * otherwise app credentials plus a service user. Core validates the result and names a bad field.
 */
export function zenotiOptionsFrom(
  config: ConfigService,
  extra: NestDemoConfig['zenoti'] = {},
): ZenotiAuthModuleOptions {
  const get = (name: keyof NestDemoEnv): string | undefined => config.get<string>(name) || undefined;
  const baseUrl = get('ZENOTI_BASE_URL') ?? 'https://api.zenoti.com';
  const apiKey = get('ZENOTI_API_KEY');
  if (apiKey !== undefined) return { baseUrl, apiKey, ...extra };
  return {
    baseUrl,
    app: {
      accountName: config.getOrThrow<string>('ZENOTI_ACCOUNT_NAME'),
      appId: config.getOrThrow<string>('ZENOTI_APP_ID'),
      appSecret: config.getOrThrow<string>('ZENOTI_APP_SECRET'),
    },
    user: {
      username: config.getOrThrow<string>('ZENOTI_USERNAME'),
      password: config.getOrThrow<string>('ZENOTI_PASSWORD'),
    },
    ...extra,
  };
}
