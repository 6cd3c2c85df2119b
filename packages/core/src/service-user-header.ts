import { formatAuthorization } from './header.ts';
import { acceptedId, type StoreState } from './key-state.ts';
import { isFresh, refreshWindow } from './refresh-policy.ts';
import type { ResilientStore } from './resilient-store.ts';
import type { TokenSet } from './types.ts';

/** The last header made for the service user, with what the hot path needs to reuse it. */
interface Memo {
  set: TokenSet;
  header: string;
  promise: Promise<string>;
  /** When the set enters its refresh window (engine clock). */
  refreshAt: number;
  /** `StoreState.epoch` when the memo was last known good (a 401 or a pause anywhere moves it on). */
  epoch: number;
  /** `acceptedId()` of the token, computed once. */
  id: string;
  /** Set by `timer` when the set enters its refresh window. */
  due: boolean;
  /** A timer that marks the memo due, where one can be unref'd (Node, Bun); else the clock is read. */
  timer: ReturnType<typeof setTimeout> | undefined;
}

/**
 * A clock read costs ~100 ns on some virtual machines, as much as the rest of the hot path (see
 * benchmark #3). Where a timer can be unref'd (so it never keeps a process alive), a timer says when
 * the memo is due instead. Timers fire late, never early, and the refresh window is minutes wide.
 */
function armDueTimer(memo: Memo): void {
  const delay = memo.refreshAt - Date.now();
  if (delay <= 0 || delay > 2_147_483_647) return;
  const timer = setTimeout(() => {
    memo.due = true;
  }, delay) as ReturnType<typeof setTimeout> & { unref?: () => void };
  if (typeof timer?.unref === 'function') {
    timer.unref();
    memo.timer = timer;
  } else clearTimeout(timer);
}

/**
 * The service user's `Authorization` value without waiting, when its token is fresh in an
 * in-process store: one store read (by `peek()`, without a clock read), no clock read (a timer
 * marks the memo due), no allocation. Anything else (a remote store, a token due for refresh, a
 * pause) is left to the token cycle.
 */
export class ServiceUserHeader {
  readonly #store: ResilientStore;
  readonly #state: StoreState;
  readonly #now: () => number;
  readonly #refreshWindowMs: number;
  #memo: Memo | undefined;

  constructor(store: ResilientStore, state: StoreState, now: () => number, refreshWindowMs: number) {
    this.#store = store;
    this.#state = state;
    this.#now = now;
    this.#refreshWindowMs = refreshWindowMs;
  }

  /** The ready header and its promise, or `undefined` when the slow path must decide. */
  ready(key: string | undefined): Memo | undefined {
    if (key === undefined) return undefined;
    const set = this.#store.readNow(key);
    if (set === undefined) return undefined;
    const memo = this.#memo;
    if (memo?.set === set && memo.epoch === this.#state.epoch && !this.#isDue(memo)) return memo;
    const now = this.#now();
    const keyState = this.#state.peek(key);
    const pause = keyState?.pause;
    if ((pause?.reason === 'credentials' || pause?.reason === 'locked') && pause.until > now)
      return undefined;
    if (!isFresh(set, now, this.#refreshWindowMs, keyState?.rejectedToken)) return undefined;
    this.headerOf(set);
    return this.#memo;
  }

  /** Whether the memo's set has entered its refresh window: by its timer, or by the clock. */
  #isDue(memo: Memo): boolean {
    return memo.timer !== undefined ? memo.due : this.#now() >= memo.refreshAt;
  }

  /** The `bearer …` value of `set`, remembered for the next call. */
  headerOf(set: TokenSet): string {
    let memo = this.#memo;
    if (memo?.set !== set) {
      const header = formatAuthorization('bearer', set.accessToken);
      clearTimeout(memo?.timer);
      memo = {
        set,
        header,
        promise: Promise.resolve(header),
        refreshAt: set.accessTokenExpiresAt - refreshWindow(set, this.#refreshWindowMs),
        epoch: this.#state.epoch,
        id: acceptedId(set.accessToken),
        due: false,
        timer: undefined,
      };
      this.#memo = memo;
      // Only on the real clock: an injected one (tests) moves without timers.
      if (this.#now === Date.now) armDueTimer(memo);
    } else memo.epoch = this.#state.epoch;
    return memo.header;
  }

  /** `acceptedId()` of `header`'s token when it is the remembered one (saves slicing it again). */
  idOf(header: string): string | undefined {
    return header === this.#memo?.header ? this.#memo.id : undefined;
  }
}
