import type { ResolvedOptions } from './options.ts';

const encoder = new TextEncoder();

async function sha256Hex(parts: readonly string[]): Promise<string> {
  // Length-prefix each part so that ("ab","c") and ("a","bc") never collide.
  const joined = parts.map((p) => `${p.length}:${p}`).join('|');
  const digest = await globalThis.crypto.subtle.digest('SHA-256', encoder.encode(joined));
  let hex = '';
  for (const byte of new Uint8Array(digest)) hex += byte.toString(16).padStart(2, '0');
  return hex;
}

export interface Identity {
  /** Store key prefix for the app (base URL, account, app id, one-way hash of the secret). */
  app: string;
  /** Store key of the service user's token set, when there is a service user. */
  serviceUser: string | undefined;
  /** A GUID derived from the identity: the default `device_id`. */
  deviceId: string;
}

/**
 * Computes the credential identity. Secrets enter only through SHA-256, so keys never reveal them,
 * and a wrong password can never pick up a token that the right one obtained.
 */
export async function computeIdentity(options: ResolvedOptions): Promise<Identity> {
  const { app, user, baseOrigin } = options;
  const appHash = await sha256Hex([
    'app',
    baseOrigin,
    app.accountName.toLowerCase(),
    app.appId.toLowerCase(),
    app.appSecret,
  ]);
  const userHash = user
    ? await sha256Hex(['user', appHash, user.username.toLowerCase(), user.password])
    : undefined;
  const h = (userHash ?? appHash).slice(0, 32);
  const deviceId = `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
  return {
    app: `zenoti-auth:v1:${appHash.slice(0, 32)}`,
    serviceUser: userHash
      ? `zenoti-auth:v1:${appHash.slice(0, 32)}:user:${userHash.slice(0, 32)}`
      : undefined,
    deviceId,
  };
}

/** Store key of an end user's token set. */
export function principalKey(identity: Identity, principal: string): string {
  return `${identity.app}:principal:${principal}`;
}
