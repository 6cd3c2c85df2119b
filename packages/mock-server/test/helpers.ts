import { onTestFinished } from 'vitest';
import { DEMO_CREDENTIALS, type StartMockZenotiOptions, startMockZenoti } from '../src/index.ts';

export const D = DEMO_CREDENTIALS;

/** A fixed instant for the mock's clock, so that expiries and rate limits are exact. */
export const T0 = Date.parse('2026-11-28T10:00:00.000Z');

/** Zenoti's .NET round-trip timestamp: UTC, exactly 7 fractional digits, `Z`. */
export const SEVEN_DIGIT_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{7}Z$/;

export type Mock = Awaited<ReturnType<typeof startMockZenoti>>;

/** Starts a mock on a free port with a frozen clock (unless `now` is given); closes it after the test. */
export async function startMock(options: StartMockZenotiOptions = {}): Promise<Mock> {
  const mock = await startMockZenoti({ now: () => T0, ...options });
  onTestFinished(() => mock.close());
  return mock;
}

export interface Answer<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
}

// biome-ignore lint/suspicious/noExplicitAny: test helper returns loosely typed JSON for terse assertions
type AnyJson = any;

export async function call(mock: Mock, path: string, init: RequestInit = {}): Promise<Answer<AnyJson>> {
  const res = await fetch(`${mock.url}${path}`, init);
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, headers: res.headers, body };
}

export function postToken(mock: Mock, body: unknown): Promise<Answer<AnyJson>> {
  return call(mock, '/v1/tokens', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(body),
  });
}

export const employeeGrant = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  account_name: D.accountName,
  user_name: D.employee.username,
  password: D.employee.password,
  grant_type: 'password',
  app_id: D.employeeApp.appId,
  app_secret: D.employeeApp.appSecret,
  device_id: 'c113476f-04e1-484c-b887-57414441cdcf',
  ...overrides,
});

export const guestGrant = (
  index: 0 | 1 = 0,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> => ({
  account_name: D.accountName,
  user_name: D.guests[index].username,
  password: D.guests[index].password,
  grant_type: 'password',
  app_id: D.guestApp.appId,
  app_secret: D.guestApp.appSecret,
  ...overrides,
});

export interface Credentials {
  access_token: string;
  access_token_expiry: string;
  refresh_token: string;
  refresh_token_expiry: string;
  token_type: string;
  token_id: string;
  app_id: string;
  user_type: string;
}

/** A password grant that must succeed. */
export async function login(
  mock: Mock,
  grant: Record<string, unknown> = employeeGrant(),
): Promise<Credentials> {
  const answer = await postToken(mock, grant);
  if (answer.status !== 200) throw new Error(`login failed: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body.credentials as Credentials;
}

export async function refresh(mock: Mock, refreshToken: string): Promise<Answer<AnyJson>> {
  return postToken(mock, { grant_type: 'refresh_token', refresh_token: refreshToken });
}

export function bearer(token: string): RequestInit {
  return { headers: { authorization: `bearer ${token}` } };
}

export function apikey(key: string = D.apiKey): RequestInit {
  return { headers: { authorization: `apikey ${key}` } };
}

/** Status of `GET path` with the given `Authorization` value. */
export async function statusWith(
  mock: Mock,
  authorization: string | undefined,
  path = '/v1/centers',
): Promise<number> {
  const res = await fetch(
    `${mock.url}${path}`,
    authorization === undefined ? {} : { headers: { authorization } },
  );
  await res.arrayBuffer();
  return res.status;
}
