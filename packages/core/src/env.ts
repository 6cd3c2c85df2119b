import { isZenotiAuthError, ZenotiAuthError } from './errors.ts';
import type { ZenotiAuthOptions } from './options.ts';
import { checkZenotiOptions } from './validate.ts';

/*
 * `@zenoti-auth/core/env`: engine options from environment variables. An entry of its own, as an
 * app that builds its options in code never needs it; its errors and option checks are the main
 * entry's (imported from `@zenoti-auth/core`, not copied).
 */

/** The environment variables `zenotiOptionsFromEnv` reads (default prefix), and the option each one sets. */
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

/** Options of `zenotiOptionsFromEnv`. */
export interface ZenotiEnvOptions {
  /**
   * What every variable name starts with, in place of `ZENOTI_`: `ZENOTI_GUEST_` reads
   * `ZENOTI_GUEST_API_KEY`, `ZENOTI_GUEST_BASE_URL`, `ZENOTI_GUEST_APP_ID`… and nothing else (no
   * fallback to the `ZENOTI_` ones), so an API key and a guest app can live side by side.
   * Letters, digits and `_`. @default 'ZENOTI_'
   */
  prefix?: string | undefined;
}

/** A variable's name without the prefix. */
type Suffix = keyof typeof ZENOTI_ENV extends `ZENOTI_${infer S}` ? S : never;

/** The variable behind each option field the constructor may name in an error. */
const SUFFIX_OF_FIELD: Record<string, Suffix> = {
  apiKey: 'API_KEY',
  baseUrl: 'BASE_URL',
  'app.accountName': 'ACCOUNT_NAME',
  'app.appId': 'APP_ID',
  'app.appSecret': 'APP_SECRET',
  'app.deviceId': 'DEVICE_ID',
  'user.username': 'USERNAME',
  'user.password': 'PASSWORD',
};

function envError(variable: string, problem: string): ZenotiAuthError {
  return new ZenotiAuthError('INVALID_OPTIONS', `Environment variable ${variable} ${problem}.`, {
    field: variable,
  });
}

/**
 * The constructor's check of `options`, with an error about an option (`Option "baseUrl" must use
 * https…`) told about the variable the user set (`Environment variable ZENOTI_BASE_URL must use https…`).
 */
function checkAsVariables(options: ZenotiAuthOptions, prefix: string): void {
  try {
    checkZenotiOptions(options);
  } catch (error) {
    if (!isZenotiAuthError(error) || error.field === undefined) throw error;
    const field = error.field;
    // `allowedOrigins[1]` is the second entry of the comma-separated list.
    const entry = /^allowedOrigins\[(\d+)\]$/.exec(field);
    const variable = entry
      ? `${prefix}ALLOWED_ORIGINS`
      : SUFFIX_OF_FIELD[field] && prefix + SUFFIX_OF_FIELD[field];
    const said = `[@zenoti-auth/core] Option "${field}" `;
    if (!variable || !error.message.startsWith(said)) throw error;
    const problem = error.message.slice(said.length, -1);
    throw envError(entry ? `${variable} (entry ${Number(entry[1]) + 1})` : variable, problem);
  }
}

/**
 * Engine options from conventional environment variables (`ZENOTI_ENV`): `process.env`, Hono's
 * `c.env` on Workers, or any plain object. API-key mode when `ZENOTI_API_KEY` is set; else token
 * mode from `ZENOTI_ACCOUNT_NAME`, `ZENOTI_APP_ID` and `ZENOTI_APP_SECRET`, with a service user when
 * `ZENOTI_USERNAME` and `ZENOTI_PASSWORD` are set. An empty variable counts as unset. Another
 * `prefix` reads a second set beside the first (a guest app: `{ prefix: 'ZENOTI_GUEST_' }`). Other
 * options (a store, a rate budget) are spread in beside it. The values are checked here as the
 * constructor checks them, and a fault is told by the variable's name.
 *
 * @throws ZenotiAuthError `INVALID_OPTIONS` whose `field` names the missing, conflicting or wrong variable; no value is ever shown.
 *
 * @example
 * import { zenotiOptionsFromEnv } from '@zenoti-auth/core/env';
 *
 * const zenoti = new ZenotiAuth({ ...zenotiOptionsFromEnv(process.env), store });
 * const guests = new ZenotiAuth(zenotiOptionsFromEnv(process.env, { prefix: 'ZENOTI_GUEST_' }));
 */
export function zenotiOptionsFromEnv(
  env: Readonly<Record<string, unknown>>,
  options: ZenotiEnvOptions = {},
): ZenotiAuthOptions {
  if (typeof env !== 'object' || env === null) throw envError('(env)', 'source must be an object');
  const prefix = options?.prefix ?? 'ZENOTI_';
  if (typeof prefix !== 'string' || !/^\w+$/.test(prefix))
    throw new ZenotiAuthError(
      'INVALID_OPTIONS',
      'Option "prefix" of zenotiOptionsFromEnv must be letters, digits and _ (e.g. "ZENOTI_GUEST_").',
      { field: 'prefix' },
    );
  const name = (suffix: Suffix): string => prefix + suffix;
  const read = (suffix: Suffix): string | undefined => {
    const variable = name(suffix);
    // Own variables only: one set on a polluted `Object.prototype` is unset.
    const value = Object.hasOwn(env, variable) ? env[variable] : undefined;
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value !== 'string') throw envError(variable, 'must be a string (a text variable or secret)');
    return value;
  };
  const need = (suffix: Suffix, why: string): string => {
    const value = read(suffix);
    if (value === undefined) throw envError(name(suffix), `is missing: ${why}`);
    return value;
  };
  const baseUrl = read('BASE_URL');
  const origins = read('ALLOWED_ORIGINS');
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
  const appNames = ['ACCOUNT_NAME', 'APP_ID', 'APP_SECRET'] as const;
  const [account, appId, appSecret] = appNames.map(name);
  const apiKey = read('API_KEY');
  let result: ZenotiAuthOptions;
  if (apiKey !== undefined) {
    // Two modes in one set: which one was meant cannot be guessed. Both variables are named.
    const extra = ([...appNames, 'USERNAME', 'PASSWORD'] as const).find((s) => read(s) !== undefined);
    if (extra)
      throw new ZenotiAuthError(
        'INVALID_OPTIONS',
        `Environment variables ${name('API_KEY')} and ${name(extra)} are both set: an API key and an app are two modes; keep the variables of one (an app beside an API key goes under another prefix: zenotiOptionsFromEnv(env, { prefix: 'ZENOTI_GUEST_' })).`,
        { field: name(extra) },
      );
    result = { ...common, apiKey };
  } else {
    if (!appNames.some((suffix) => read(suffix) !== undefined))
      throw envError(
        name('API_KEY'),
        `is missing: set it, or ${account}, ${appId} and ${appSecret} for access tokens`,
      );
    const forApp = `token mode needs ${account}, ${appId} and ${appSecret}`;
    const deviceId = read('DEVICE_ID');
    const app = {
      accountName: need('ACCOUNT_NAME', forApp),
      appId: need('APP_ID', forApp),
      appSecret: need('APP_SECRET', forApp),
      ...(deviceId === undefined ? {} : { deviceId }),
    };
    const username = read('USERNAME');
    const password = read('PASSWORD');
    if ((username === undefined) !== (password === undefined))
      throw envError(
        name(username === undefined ? 'USERNAME' : 'PASSWORD'),
        `is missing: a service user needs both ${name('USERNAME')} and ${name('PASSWORD')}`,
      );
    result = {
      ...common,
      app,
      ...(username === undefined || password === undefined ? {} : { user: { username, password } }),
    };
  }
  checkAsVariables(result, prefix);
  return result;
}
