import { ZenotiAuthError } from './errors.ts';
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

/**
 * Store keys by principal. The identity is computed once (SHA-256 is asynchronous); until then
 * `serviceUser` is `undefined` and the hot path steps aside.
 */
export class TokenKeys {
  readonly #o: ResolvedOptions;
  #identity: Identity | undefined;
  #pending: Promise<Identity> | undefined;

  constructor(o: ResolvedOptions) {
    this.#o = o;
  }

  /** The service user's key, once the identity is known. */
  get serviceUser(): string | undefined {
    return this.#identity?.serviceUser;
  }

  /** The default `device_id` (known once a key was asked for: every grant asks for one first). */
  get deviceId(): string {
    return (this.#identity as Identity).deviceId;
  }

  /** The key of `principal`'s token set, or of the service user's without one. */
  async of(principal: string | undefined): Promise<string> {
    this.#pending ??= computeIdentity(this.#o).then((identity) => (this.#identity = identity));
    const identity = await this.#pending;
    // A principal is the caller's text: encoded, it holds no ':', so no principal's key can be
    // another key's refresh lock (`<key>:lock`) or any other name the engine derives from a key.
    const key =
      principal === undefined
        ? identity.serviceUser
        : `${identity.app}:principal:${encodeURIComponent(principal)}`;
    if (key === undefined)
      throw new ZenotiAuthError(
        'LOGIN_REQUIRED',
        'No principal and no service "user": pass a principal from login().',
      );
    return key;
  }
}
