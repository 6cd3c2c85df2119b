import { guid, opaqueToken } from './ids.ts';
import type { UserType } from './types.ts';

/** Who a token belongs to. */
export interface TokenOwner {
  accountName: string;
  username: string;
  /** `userKeyOf(account, username)`. */
  userKey: string;
  /** The app id as the client sent it in the password grant (echoed in every response). */
  appId: string;
  userType: UserType;
  guestId?: string;
  /**
   * The sign-in this token descends from: a password grant starts a session, each refresh carries
   * it on. Reusing a spent refresh token can end it (`refreshReuse: 'end-session'`).
   */
  session: string;
}

export interface TokenRecord extends TokenOwner {
  expiresAt: number;
}

/** One access and refresh token pair as minted by `issue` (Zenoti's `credentials`, before formatting). */
export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  tokenId: string;
  accessExpiresAt: number;
  refreshExpiresAt: number;
}

interface UserTokens {
  access: Set<string>;
  refresh: Set<string>;
}

export interface KillSelector {
  /** Only tokens minted through this app (compared case-insensitively); all apps when omitted. */
  appId?: string;
  access?: boolean;
  refresh?: boolean;
  /** An access token to keep (the one just issued). */
  keepAccess?: string;
  /** Only tokens of this session (`TokenOwner.session`). */
  session?: string;
}

/** A refresh token used once: whose it was, and until when it would have lived. */
export interface SpentRefresh {
  userKey: string;
  session: string;
  expiresAt: number;
}

/** Most spent refresh tokens remembered; past it, the expired ones and then the oldest go first. */
const MAX_SPENT = 100_000;

const SWEEP_EVERY = 1_000;

/**
 * The tokens the mock has issued and not yet forgotten, indexed by user so that revocations are cheap.
 * Server-side bookkeeping of the imitated Zenoti: not core's client-side `TokenStore`.
 */
export class IssuedTokens {
  readonly #access = new Map<string, TokenRecord>();
  readonly #refresh = new Map<string, TokenRecord>();
  readonly #byUser = new Map<string, UserTokens>();
  /** Refresh tokens already used, so that a second use is recognised (`spent()`). */
  readonly #spent = new Map<string, SpentRefresh>();
  #issuedSinceSweep = 0;

  issue(owner: TokenOwner, now: number, accessTtlMs: number, refreshTtlMs: number): TokenPair {
    if (++this.#issuedSinceSweep >= SWEEP_EVERY) this.#sweep(now);
    const accessToken = opaqueToken(owner.accountName);
    const refreshToken = opaqueToken(owner.accountName);
    const accessExpiresAt = now + accessTtlMs;
    const refreshExpiresAt = now + refreshTtlMs;
    this.#access.set(accessToken, { ...owner, expiresAt: accessExpiresAt });
    this.#refresh.set(refreshToken, { ...owner, expiresAt: refreshExpiresAt });
    const index = this.#index(owner.userKey);
    index.access.add(accessToken);
    index.refresh.add(refreshToken);
    return { accessToken, refreshToken, tokenId: guid(), accessExpiresAt, refreshExpiresAt };
  }

  /** The owner of an access token that is live at `now`. */
  liveAccess(token: string, now: number): TokenRecord | undefined {
    const record = this.#access.get(token);
    return record && now < record.expiresAt ? record : undefined;
  }

  /** The record of a refresh token, live or not (for rate-limit attribution). */
  peekRefresh(token: string): TokenRecord | undefined {
    return this.#refresh.get(token);
  }

  /**
   * Uses up a refresh token: returns its owner if it was live, and deletes it either way. A live one
   * is remembered as spent until it would have expired.
   */
  consumeRefresh(token: string, now: number): TokenRecord | undefined {
    const record = this.#refresh.get(token);
    if (!record) return undefined;
    this.#refresh.delete(token);
    this.#byUser.get(record.userKey)?.refresh.delete(token);
    if (now >= record.expiresAt) return undefined;
    this.#rememberSpent(token, record, now);
    return record;
  }

  /** The refresh token's record if it was already used once (and would still be live), else `undefined`. */
  spent(token: string, now: number): SpentRefresh | undefined {
    const spent = this.#spent.get(token);
    return spent && now < spent.expiresAt ? spent : undefined;
  }

  #rememberSpent(token: string, { userKey, session, expiresAt }: TokenRecord, now: number): void {
    const spent = this.#spent;
    if (spent.size >= MAX_SPENT) {
      for (const [t, s] of spent) if (now >= s.expiresAt) spent.delete(t);
      if (spent.size >= MAX_SPENT) spent.delete(spent.keys().next().value as string);
    }
    spent.set(token, { userKey, session, expiresAt });
  }

  /** Deletes a user's tokens (optionally only one app's, only one kind, or all but one access token). */
  kill(userKey: string, selector: KillSelector = {}): void {
    const index = this.#byUser.get(userKey);
    if (!index) return;
    const appKey = selector.appId?.toLowerCase();
    const matches = (record: TokenRecord | undefined): boolean =>
      record !== undefined &&
      (appKey === undefined || record.appId.toLowerCase() === appKey) &&
      (selector.session === undefined || record.session === selector.session);
    if (selector.access !== false) {
      for (const token of index.access) {
        if (token !== selector.keepAccess && matches(this.#access.get(token))) {
          this.#access.delete(token);
          index.access.delete(token);
        }
      }
    }
    if (selector.refresh !== false) {
      for (const token of index.refresh) {
        if (matches(this.#refresh.get(token))) {
          this.#refresh.delete(token);
          index.refresh.delete(token);
        }
      }
    }
  }

  /** Makes every access token expire at `now`; refresh tokens are untouched. */
  expireAllAccess(now: number): void {
    for (const record of this.#access.values()) record.expiresAt = Math.min(record.expiresAt, now);
  }

  clear(): void {
    this.#access.clear();
    this.#refresh.clear();
    this.#byUser.clear();
    this.#spent.clear();
    this.#issuedSinceSweep = 0;
  }

  get size(): { access: number; refresh: number } {
    return { access: this.#access.size, refresh: this.#refresh.size };
  }

  #index(userKey: string): UserTokens {
    let index = this.#byUser.get(userKey);
    if (!index) {
      index = { access: new Set(), refresh: new Set() };
      this.#byUser.set(userKey, index);
    }
    return index;
  }

  /** Forgets expired tokens so a long benchmark does not grow memory without bound. */
  #sweep(now: number): void {
    this.#issuedSinceSweep = 0;
    for (const [map, kind] of [
      [this.#access, 'access'],
      [this.#refresh, 'refresh'],
    ] as const) {
      for (const [token, record] of map) {
        if (now >= record.expiresAt) {
          map.delete(token);
          this.#byUser.get(record.userKey)?.[kind].delete(token);
        }
      }
    }
  }
}
