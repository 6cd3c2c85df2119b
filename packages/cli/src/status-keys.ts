import { type GuardState, readGuard, readSet, type SetState, setSecrets } from './status-values.ts';

/**
 * Sorts the keys found under a prefix by the layout of `@zenoti-auth/redis` (its README's "Key
 * layout"): `<prefix>{<core key>}` (a token set), `…}:lock`, `…}:guard`, and
 * `<prefix>rate-budget[:<account>]`. Core keys are `zenoti-auth:v2:<app hash>:user:<user hash>`
 * for a service user and `…:principal:<principal>` for an end user: a principal sits in a session
 * cookie, so end users are only counted, per app.
 */

/** One token key: a service user's (or another, older layout's), with its set, lock and guard. */
export interface KeyState {
  /** The core key (hashes of the credentials; no secret). */
  key: string;
  kind: 'service-user' | 'other';
  set: SetState | null;
  /** Present while a process holds the refresh lock. */
  lock: { ttlMs: number | null } | null;
  guard: GuardState | null;
}

/** End users' sessions of one app, counted. */
export interface SessionTally {
  /** The app part of the keys, `zenoti-auth:v2:<app hash>`. */
  app: string;
  /** Token sets stored. */
  sessions: number;
  encrypted: number;
  /** Plain-text sets whose access token has not expired (encrypted ones cannot be told). */
  liveAccessTokens: number;
  unreadable: number;
  locks: number;
  guards: number;
  /** Guards whose pause has not ended. */
  paused: number;
}

export interface BudgetTally {
  key: string;
}

export interface FoundKey {
  key: string;
  /** `GET`'s answer (`null` for none, or for a hash). */
  value: string | null;
  /** `PTTL`'s answer. */
  pttl: number | null;
}

type Part = 'set' | 'lock' | 'guard';
const PRINCIPAL = ':principal:';

function partOf(rest: string): { core: string; part: Part } | undefined {
  const match = /^\{(.*)\}(:lock|:guard)?$/s.exec(rest);
  if (!match?.[1]) return undefined;
  return { core: match[1], part: match[2] === ':lock' ? 'lock' : match[2] === ':guard' ? 'guard' : 'set' };
}

function newTally(app: string): SessionTally {
  return {
    app,
    sessions: 0,
    encrypted: 0,
    liveAccessTokens: 0,
    unreadable: 0,
    locks: 0,
    guards: 0,
    paused: 0,
  };
}

function countSession(tally: SessionTally, part: Part, found: FoundKey, now: number): void {
  if (part === 'lock') {
    tally.locks++;
    return;
  }
  if (found.value === null) return;
  if (part === 'guard') {
    const guard = readGuard(found.value, found.pttl);
    tally.guards++;
    if (guard.pause && guard.pause.until > now) tally.paused++;
    return;
  }
  const set = readSet(found.value, found.pttl);
  tally.sessions++;
  if (set.encrypted) tally.encrypted++;
  if (set.unreadable) tally.unreadable++;
  if (set.accessTokenExpiresAt !== null && set.accessTokenExpiresAt > now) tally.liveAccessTokens++;
}

/** Groups what was found under `prefix`; `now` (this machine's clock) tells a live token or pause. */
export function tallyKeys(
  prefix: string,
  found: readonly FoundKey[],
  now: number,
): { keys: KeyState[]; endUsers: SessionTally[]; budgets: BudgetTally[]; secrets: string[] } {
  const keys = new Map<string, KeyState>();
  const endUsers = new Map<string, SessionTally>();
  const budgets: BudgetTally[] = [];
  const secrets: string[] = [];
  for (const item of found) {
    const rest = item.key.slice(prefix.length);
    if (rest === 'rate-budget' || rest.startsWith('rate-budget:')) {
      budgets.push({ key: item.key });
      continue;
    }
    const where = partOf(rest);
    if (!where) continue;
    if (where.part === 'set' && item.value !== null) secrets.push(...setSecrets(item.value));
    const principalAt = where.core.indexOf(PRINCIPAL);
    if (principalAt >= 0) {
      const app = where.core.slice(0, principalAt);
      const tally = endUsers.get(app) ?? newTally(app);
      endUsers.set(app, tally);
      countSession(tally, where.part, item, now);
      continue;
    }
    const state: KeyState = keys.get(where.core) ?? {
      key: where.core,
      kind: /:user:[0-9a-f]+$/.test(where.core) ? 'service-user' : 'other',
      set: null,
      lock: null,
      guard: null,
    };
    keys.set(where.core, state);
    if (where.part === 'lock')
      state.lock = { ttlMs: item.pttl !== null && item.pttl >= 0 ? item.pttl : null };
    else if (item.value !== null)
      if (where.part === 'guard') state.guard = readGuard(item.value, item.pttl);
      else state.set = readSet(item.value, item.pttl);
  }
  const byKind = (a: KeyState, b: KeyState): number =>
    a.kind === b.kind ? a.key.localeCompare(b.key) : a.kind === 'service-user' ? -1 : 1;
  return {
    keys: [...keys.values()].sort(byKind),
    endUsers: [...endUsers.values()].sort((a, b) => a.app.localeCompare(b.app)),
    budgets: budgets.sort((a, b) => a.key.localeCompare(b.key)),
    secrets,
  };
}
