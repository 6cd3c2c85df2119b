import { ZenotiAuthError } from './errors.ts';
import type { ZenotiAuthOptions } from './options.ts';

/** The environment variables `zenotiOptionsFromEnv` reads, and the option each one sets. */
export const ZENOTI_ENV = Object.freeze({
  ZENOTI_API_KEY: 'apiKey',
  ZENOTI_BASE_URL: 'baseUrl',
  ZENOTI_ACCOUNT_NAME: 'app.accountName',
  ZENOTI_APP_ID: 'app.appId',
  ZENOTI_APP_SECRET: 'app.appSecret',
  ZENOTI_DEVICE_ID: 'app.deviceId',
  ZENOTI_USERNAME: 'user.username',
  ZENOTI_PASSWORD: 'user.password',
  ZENOTI_ALLOWED_ORIGINS: 'allowedOrigins (comma-separated)',
} as const);

type Variable = keyof typeof ZENOTI_ENV;

function envError(variable: string, problem: string): ZenotiAuthError {
  return new ZenotiAuthError('INVALID_OPTIONS', `Environment variable ${variable} ${problem}.`, {
    field: variable,
  });
}

/**
 * Engine options from conventional environment variables (`ZENOTI_ENV`): `process.env`, Hono's
 * `c.env` on Workers, or any plain object. API-key mode when `ZENOTI_API_KEY` is set; else token
 * mode from `ZENOTI_ACCOUNT_NAME`, `ZENOTI_APP_ID` and `ZENOTI_APP_SECRET`, with a service user when
 * `ZENOTI_USERNAME` and `ZENOTI_PASSWORD` are set. An empty variable counts as unset. Other options
 * (a store, a rate budget) are spread in beside it. The constructor then checks the values as usual.
 *
 * @throws ZenotiAuthError `INVALID_OPTIONS` whose `field` names the missing or conflicting variable; no value is ever shown.
 *
 * @example
 * const zenoti = new ZenotiAuth({ ...zenotiOptionsFromEnv(process.env), store });
 */
export function zenotiOptionsFromEnv(env: Readonly<Record<string, unknown>>): ZenotiAuthOptions {
  if (typeof env !== 'object' || env === null) throw envError('(env)', 'source must be an object');
  const read = (name: Variable): string | undefined => {
    // Own variables only: one set on a polluted `Object.prototype` is unset.
    const value = Object.hasOwn(env, name) ? env[name] : undefined;
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value !== 'string') throw envError(name, 'must be a string (a text variable or secret)');
    return value;
  };
  const need = (name: Variable, why: string): string => {
    const value = read(name);
    if (value === undefined) throw envError(name, `is missing: ${why}`);
    return value;
  };
  const baseUrl = read('ZENOTI_BASE_URL');
  const origins = read('ZENOTI_ALLOWED_ORIGINS');
  const common = {
    ...(baseUrl === undefined ? {} : { baseUrl }),
    ...(origins === undefined
      ? {}
      : {
          allowedOrigins: origins
            .split(',')
            .map((o) => o.trim())
            .filter(Boolean),
        }),
  };
  const appNames = ['ZENOTI_ACCOUNT_NAME', 'ZENOTI_APP_ID', 'ZENOTI_APP_SECRET'] as const;
  const apiKey = read('ZENOTI_API_KEY');
  if (apiKey !== undefined) {
    const both = [...appNames, 'ZENOTI_USERNAME', 'ZENOTI_PASSWORD'] as const;
    const extra = both.find((name) => read(name) !== undefined);
    if (extra) throw envError(extra, 'is set beside ZENOTI_API_KEY: set an API key or an app, not both');
    return { ...common, apiKey };
  }
  if (!appNames.some((name) => read(name) !== undefined))
    throw envError(
      'ZENOTI_API_KEY',
      'is missing: set it, or ZENOTI_ACCOUNT_NAME, ZENOTI_APP_ID and ZENOTI_APP_SECRET for access tokens',
    );
  const forApp = 'token mode needs ZENOTI_ACCOUNT_NAME, ZENOTI_APP_ID and ZENOTI_APP_SECRET';
  const deviceId = read('ZENOTI_DEVICE_ID');
  const app = {
    accountName: need('ZENOTI_ACCOUNT_NAME', forApp),
    appId: need('ZENOTI_APP_ID', forApp),
    appSecret: need('ZENOTI_APP_SECRET', forApp),
    ...(deviceId === undefined ? {} : { deviceId }),
  };
  const username = read('ZENOTI_USERNAME');
  const password = read('ZENOTI_PASSWORD');
  if ((username === undefined) !== (password === undefined))
    throw envError(
      username === undefined ? 'ZENOTI_USERNAME' : 'ZENOTI_PASSWORD',
      'is missing: a service user needs both ZENOTI_USERNAME and ZENOTI_PASSWORD',
    );
  return {
    ...common,
    app,
    ...(username === undefined || password === undefined ? {} : { user: { username, password } }),
  };
}
