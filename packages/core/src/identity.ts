import type { ResolvedOptions } from './options.ts';

async function sha256Hex(parts: readonly string[]): Promise<string> {
  // Length-prefix each part so that ("ab","c") and ("a","bc") never collide.
  const joined = parts.map((p) => `${p.length}:${p}`).join('|');
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(joined));
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join('');
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
export async function computeIdentity({ app, user, baseOrigin }: ResolvedOptions): Promise<Identity> {
  const appHash = await sha256Hex([
    'app',
    baseOrigin,
    app.accountName.toLowerCase(),
    app.appId.toLowerCase(),
    app.appSecret,
  ]);
  const userHash = user && (await sha256Hex(['user', appHash, user.username.toLowerCase(), user.password]));
  const h = (userHash ?? appHash).slice(0, 32);
  const prefix = `zenoti-auth:v1:${appHash.slice(0, 32)}`;
  return {
    app: prefix,
    serviceUser: userHash && `${prefix}:user:${userHash.slice(0, 32)}`,
    deviceId: `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20)}`,
  };
}
