import type { ZenotiAuthError } from './errors.ts';
import { redact } from './header.ts';
import type { EpochMilliseconds } from './time.ts';
import type { TokenSet } from './types.ts';

/** A token was obtained. `tokenId` is a fingerprint, never the token. */
export interface TokenEvent {
  type: 'token';
  grant: 'password' | 'refresh';
  /** `undefined` for the app's own (service user) token. */
  principal: string | undefined;
  /** Fingerprint of the access token, e.g. `…ab68`. */
  tokenId: string;
  /** When the access token expires, ms since the Unix epoch (engine clock, `options.now`). */
  expiresAt: EpochMilliseconds;
}

/** A token was marked rejected after a 401, or removed by logout/revoke. */
export interface InvalidatedEvent {
  type: 'invalidated';
  principal: string | undefined;
  tokenId: string;
  reason: 'unauthorized' | 'logout' | 'revoke' | 'refresh-rejected';
}

export interface ErrorEvent {
  type: 'error';
  principal: string | undefined;
  error: ZenotiAuthError;
}

/** Zenoti reported its rate limit on a response, or answered 429. */
export interface RateLimitEvent {
  type: 'rateLimit';
  /** Calls left in the window (`RateLimit-Remaining`), when sent. */
  remaining: number | undefined;
  /** Seconds until the bucket refills (`RateLimit-Reset`), when sent. */
  resetSeconds: number | undefined;
  /** On a 429: how long Zenoti asked to wait. */
  retryAfterMs: number | undefined;
  /** Whether the engine will wait and retry (429 within budget). */
  retrying: boolean;
  /** With a rate budget, after a caller waited for its permit: callers still waiting. */
  queued?: number | undefined;
  /** With a rate budget: how long this caller waited for its permit, ms. */
  waitedMs?: number | undefined;
}

/**
 * Zenoti's login policy reminded that the user's password expires soon (`passwordexpiryreminder`),
 * once per token that said so: rotate it before the service user is locked out.
 */
export interface PasswordExpiringEvent {
  type: 'passwordExpiring';
  /** `undefined` for the app's own (service user) token. */
  principal: string | undefined;
  /** Zenoti's id of the user, when the policy evaluation carried it. */
  userId: string | undefined;
  /** Fingerprint of the access token that came with the reminder. */
  tokenId: string;
}

/**
 * Something degraded but the engine carried on (e.g. a shared store was unreachable), or it is
 * over. A warning of a store or budget shared by several engines goes to one of them: the first
 * made that listens to warnings (one line per warning per process; see `WarningRoute`). One that no
 * engine listens to goes to the console.
 */
export interface WarningEvent {
  type: 'warning';
  message: string;
  /** What it is about: the token store, the rate budget, or the engine's own work (a token it could not renew…). */
  source: 'store' | 'budget' | 'engine';
  /** `'info'` when it tells that a trouble is over (a store answers again); else `'warn'`. */
  level: 'warn' | 'info';
}

export type ZenotiAuthEvent =
  | TokenEvent
  | InvalidatedEvent
  | ErrorEvent
  | RateLimitEvent
  | PasswordExpiringEvent
  | WarningEvent;
export type ZenotiAuthEventType = ZenotiAuthEvent['type'];
export type ZenotiAuthEventOf<T extends ZenotiAuthEventType> = Extract<ZenotiAuthEvent, { type: T }>;
export type ZenotiAuthListener<T extends ZenotiAuthEventType> = (event: ZenotiAuthEventOf<T>) => void;

/** A minimal typed emitter; a throwing listener never breaks the engine. */
export class Emitter {
  readonly #listeners = new Map<ZenotiAuthEventType, Set<(event: ZenotiAuthEvent) => void>>();
  readonly #sink: ((event: ZenotiAuthEvent) => void) | undefined;

  constructor(sink?: (event: ZenotiAuthEvent) => void) {
    this.#sink = sink;
  }

  on<T extends ZenotiAuthEventType>(type: T, listener: ZenotiAuthListener<T>): void {
    let set = this.#listeners.get(type);
    if (!set) {
      set = new Set();
      this.#listeners.set(type, set);
    }
    set.add(listener as (event: ZenotiAuthEvent) => void);
  }

  off<T extends ZenotiAuthEventType>(type: T, listener: ZenotiAuthListener<T>): void {
    this.#listeners.get(type)?.delete(listener as (event: ZenotiAuthEvent) => void);
  }

  /** Tells the listeners of `event`'s type (and the sink); whether there was any. */
  emit(event: ZenotiAuthEvent): boolean {
    const listeners = this.#listeners.get(event.type);
    if (!this.#sink && !listeners?.size) return false;
    for (const listener of [...(this.#sink ? [this.#sink] : []), ...(listeners ?? [])]) {
      try {
        listener(event);
      } catch {
        // A listener's fault must never break authentication.
      }
    }
    return true;
  }
}

/**
 * Emits `token` (with `grant`) or `invalidated` (with `reason`) about `token`, which the event
 * carries only as a fingerprint (`tokenId`); for a new token whose login policy reminds of the
 * password's expiry, `passwordExpiring` as well.
 */
export function emitTokenEvent(
  events: Emitter,
  principal: string | undefined,
  token: TokenSet | string,
  rest: Pick<TokenEvent, 'grant' | 'expiresAt'> | Pick<InvalidatedEvent, 'reason'>,
): void {
  const tokenId = redact(typeof token === 'string' ? token : token.accessToken);
  const type = 'grant' in rest ? 'token' : 'invalidated';
  events.emit({ type, principal, tokenId, ...rest } as TokenEvent | InvalidatedEvent);
  const policy = typeof token === 'string' ? undefined : token.loginPolicy;
  if (type === 'token' && policy?.passwordExpiryReminder)
    events.emit({ type: 'passwordExpiring', principal, userId: policy.userId, tokenId });
}
