/**
 * The one hook of instrumentation packages (`@zenoti-auth/opentelemetry`): a listener for the whole
 * process, kept in one slot on `globalThis` under `Symbol.for(…)` so that every engine, from any copy
 * of core (ESM or CJS, or two bundles), reports to the same one. Nothing runs when no one listens:
 * the engine reads `instrumentation()` once per call and goes its usual way on `undefined`; and a
 * listener that would record nothing of a call (no SDK behind it) answers `undefined` for it.
 *
 * What a listener is told holds no secret, ever: a call's method and its URL without the query,
 * fragment or user info; a grant's kind; an error (a `ZenotiAuthError`, whose messages hold none);
 * a store operation's name; never a key, token, password, app secret nor principal.
 */

const KEY = Symbol.for('@zenoti-auth/core/instrumentation');

/** Where the listener is kept: one plain object for the process, made by the first copy of core loaded. */
interface Slot {
  listener: ZenotiInstrumentation | undefined;
}

type Holder = { [KEY]?: Slot };

// Read on every call: a property of a plain object costs nothing, where a symbol that `globalThis`
// lacks (nothing installed) costs a slow lookup each time.
(globalThis as Holder)[KEY] ??= { listener: undefined };
const slot = (globalThis as Holder)[KEY] as Slot;

/** One call through an engine, as a listener sees it. */
export interface ZenotiCallInfo {
  /** Upper case, e.g. `GET`. */
  readonly method: string;
  /** The absolute URL, without its query, fragment or user info. */
  readonly url: string;
}

/** One operation of an engine (a call, a token grant) from its start to its `end()`. */
export interface ZenotiScope {
  /** Runs `work` inside the operation: a tracing listener makes its span the active one. */
  run<T>(work: () => T): T;
  /** Times the wait for a permit of the rate budget; settles as `permit` does. */
  wait(permit: Promise<void>): Promise<void>;
  /**
   * The operation is over: with the error it failed with, and for a call the status of Zenoti's
   * last answer. Only the first `end()` counts.
   */
  end(error?: unknown, status?: number): void;
}

/** A call through an engine (`fetch()`, the axios interceptor): its attempts, and their resends. */
export interface ZenotiCallScope extends ZenotiScope {
  /** Sends one attempt (or redirect hop), `attempt(...args)`: HTTP client instrumentations should not trace it again. */
  send<A extends unknown[], T>(attempt: (...args: A) => T, ...args: A): T;
  /** The call goes again: after a 401 with a newer credential, or after a 429's wait. */
  resend(): void;
}

/** A store command that failed: which one. */
export type ZenotiStoreOperation = 'get' | 'set' | 'delete' | 'getGuard' | 'setGuard' | 'lock' | 'release';

/**
 * What an instrumentation package installs with `instrument()`. Its methods, and its scopes', must
 * not throw: the engine calls them on its own path (`@zenoti-auth/opentelemetry` catches every
 * fault of the SDK).
 */
export interface ZenotiInstrumentation {
  /**
   * A call through an engine starts: `fetch()`, or a request of the axios interceptor. `undefined`
   * when the listener records nothing of it: the call then goes as if no one listened.
   */
  call(info: ZenotiCallInfo): ZenotiCallScope | undefined;
  /**
   * A token grant starts (`password`: the user's password, a sign-in too; `refresh`: a refresh
   * token); `undefined` as for `call`.
   */
  grant(grant: 'password' | 'refresh'): ZenotiScope | undefined;
  /**
   * Zenoti reported its rate limit on an answer: the calls left in its window (`RateLimit-Remaining`),
   * when sent, and whether it answered 429. `account`: the organisation, when the engine knows it.
   */
  rateLimit(remaining: number | undefined, rejected: boolean, account: string | undefined): void;
  /** A command of the token store failed (the engine carries on: see the `warning` events). */
  storeError(operation: ZenotiStoreOperation): void;
}

/** The listener installed in this process, if any. Engines and adapters call this on their hot path. */
export function instrumentation(): ZenotiInstrumentation | undefined {
  return slot.listener;
}

/**
 * Installs `listener` for every engine of the process, present and future (a listener installed
 * before replaces it). Returns its removal, which leaves a later listener in place.
 */
export function instrument(listener: ZenotiInstrumentation): () => void {
  slot.listener = listener;
  return () => {
    if (slot.listener === listener) slot.listener = undefined;
  };
}

/** A call to `url` by `method`, as a listener may see it: no query (it can hold a guest's data), fragment nor user info. */
export function callInfo(method: string, url: string): ZenotiCallInfo {
  // No query (it can hold a guest's data) nor fragment, and no user info (its scheme kept).
  const cut = url.search(/[?#]/);
  const bare = cut === -1 ? url : url.slice(0, cut);
  return {
    method: method.toUpperCase(),
    url: bare.includes('@') ? bare.replace(/^([a-z][a-z\d+.-]*:\/\/)[^/@]*@/i, '$1') : bare,
  };
}

/**
 * Runs `work` inside `scope`, and ends the scope with its outcome (a Response's status) beside the
 * caller: the promise returned is `work`'s own, so that following a call delays it by no step.
 */
export function observe<T>(scope: ZenotiScope, work: () => Promise<T>): Promise<T> {
  const result = scope.run(work);
  result.then(
    (value) => scope.end(undefined, (value as { status?: number }).status),
    (error: unknown) => scope.end(error),
  );
  return result;
}

/** `permit`, timed by `scope` when there is one. */
export function waitFor(
  permit: Promise<void> | undefined,
  scope: ZenotiScope | undefined,
): Promise<void> | undefined {
  return permit && scope ? scope.wait(permit) : permit;
}
