import { randomBytes, randomUUID } from 'node:crypto';

/** A lower-case GUID, as Zenoti's `token_id` and guest ids. */
export function guid(): string {
  return randomUUID();
}

/** A new API key: 64 lower-case hex characters, like the keys Zenoti issues. */
export function newApiKey(): string {
  return randomBytes(32).toString('hex');
}

/**
 * An opaque token in Zenoti's shape: `AN:<account>|$ARD#` followed by about 1 KB of base64.
 * Not a JWT (no dots), unique per call.
 */
export function opaqueToken(accountName: string): string {
  return `AN:${accountName}|$ARD#${randomBytes(768).toString('base64')}`;
}

/**
 * The account named by an opaque token's `AN:<account>|` prefix, if it has one.
 */
export function accountOfToken(token: string): string | undefined {
  const match = /^AN:([^|]+)\|/.exec(token);
  return match?.[1];
}

/** A UTC timestamp in Zenoti's .NET round-trip form: exactly 7 fractional digits and `Z`. */
export function zenotiTimestamp(ms: number): string {
  const iso = new Date(ms).toISOString(); // 2026-11-28T11:19:18.701Z
  return `${iso.slice(0, -1)}0000Z`;
}
