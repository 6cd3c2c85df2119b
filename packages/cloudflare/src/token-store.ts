import {
  type TokenGuard,
  type TokenSet,
  type TokenStore,
  type TokenStoreLockOptions,
  type WarningListener,
  WarningRoute,
} from '@zenoti-auth/core';
import { openTokenSet, sealTokenSet, tokenSetProblem } from '@zenoti-auth/core/shared-store';
import { storeError, TAG } from './errors.ts';
import {
  type DurableObjectTokenStoreOptions,
  type ResolvedStoreOptions,
  resolveStoreOptions,
} from './options.ts';
import { type Call, caller } from './protocol.ts';
import { type DurableObjectTokenStoreLock, locker, type TakeLock } from './store-lock.ts';
import { reuse } from './store-reuse.ts';

/** Most keys whose unreadable value is remembered (to repair it on the next write). */
const MAX_UNREADABLE = 1_000;

/** A TTL as the object takes it: whole ms ≥ 1 (it brings a set's down to a year, a guard's to a day). */
const ttlOf = (ttlMs: number): number => (Number.isFinite(ttlMs) ? Math.max(1, Math.ceil(ttlMs)) : 1);

/**
 * A `TokenStore` on a Durable Object (`ZenotiAuthObject`): one token set, one refresh and one lock
 * for every isolate of a Workers deployment, and the guards the fleet shares (a rejected password,
 * a refused refresh token, a `Retry-After`: met once, not once per isolate).
 *
 * Within one isolate, `new DurableObjectTokenStore(options)` with the same namespace binding and
 * the same options gives back the same store (hooks such as `onWarning` come from the first): a
 * Hono resolver that builds one per request (`(c) => ({ store: new DurableObjectTokenStore({
 * namespace: c.env.ZENOTI_AUTH }) })`) keeps one engine per identity that way.
 *
 * @example
 * import { ZenotiAuth } from '@zenoti-auth/core';
 * import { DurableObjectTokenStore } from '@zenoti-auth/cloudflare';
 * export { ZenotiAuthObject } from '@zenoti-auth/cloudflare';
 *
 * export default {
 *   async fetch(request, env) {
 *     const store = new DurableObjectTokenStore({ namespace: env.ZENOTI_AUTH });
 *     const zenoti = new ZenotiAuth({ app, user, store });
 *     return zenoti.fetch('/v1/centers');
 *   },
 * };
 */
export class DurableObjectTokenStore implements TokenStore {
  /** Lives outside this isolate: the engine keeps a last-known copy for when the object fails. */
  readonly local = false;
  readonly #o: ResolvedStoreOptions;
  readonly #call: Call;
  readonly #lock: TakeLock;
  /** Versions of values read and found unreadable, by key: the next write goes above them. */
  readonly #unreadable = new Map<string, number>();
  /** Where the warnings go: `onWarning`, else the engines that use the store (see `addWarningListener`). */
  readonly #warnings: WarningRoute;

  constructor(options: DurableObjectTokenStoreOptions) {
    const o = resolveStoreOptions(options);
    this.#o = o;
    this.#warnings = new WarningRoute(o.onWarning);
    this.#call = caller(o.namespace, o.callTimeoutMs);
    this.#lock = locker(o, this.#call, (key) => this.#objectOf(key));
    // The store this isolate already made for these options, if any (see the class comment).
    const same = reuse(o, this);
    // biome-ignore lint/correctness/noConstructorReturn: one store per namespace and options, by design
    if (same) return same;
  }

  /** The object that holds `key`: the configured `name`, else the token key (its lock included). */
  #objectOf(key: string): string {
    return this.#o.name ?? (key.endsWith(':lock') ? key.slice(0, -':lock'.length) : key);
  }

  /**
   * Reads a token set; a value that cannot be read (another key, tampered, not a token set) is
   * absent + one warning per key. Reads are never shared between callers: on Workers a promise of
   * one request must not be awaited by another.
   */
  async get(key: string): Promise<TokenSet | undefined> {
    const { value } = await this.#call(this.#objectOf(key), { op: 'get', key });
    if (!value) return undefined;
    const set = await openTokenSet(this.#o.encryption, key, value);
    if (typeof set !== 'string') {
      this.#unreadable.delete(key);
      return set;
    }
    const first = !this.#unreadable.has(key);
    if (first && this.#unreadable.size >= MAX_UNREADABLE) this.#unreadable.clear();
    this.#unreadable.set(key, value.v);
    // `set` says what is wrong with the value, never a secret; the key holds none either.
    if (first) this.#warn(`${TAG}The value under "${key}" ${set}; treated as absent.`);
    return undefined;
  }

  /**
   * Stores `value` for `ttlMs`, unless the object holds a set of a higher version (monotonic). After
   * an unreadable value under the key, the set takes a version above it, so that it replaces it
   * rather than every isolate minting its own token until that value expires.
   */
  async set(key: string, value: TokenSet, ttlMs: number): Promise<void> {
    // The object refuses a set that is not one, or over 16 kB: said here, before it is sealed.
    const problem = tokenSetProblem(value);
    if (problem) throw storeError(`A token set ${problem}; it was not stored.`);
    const unreadable = this.#unreadable.get(key);
    const set =
      unreadable !== undefined && unreadable >= value.version && unreadable < Number.MAX_SAFE_INTEGER
        ? { ...value, version: unreadable + 1 }
        : value;
    const stored = await sealTokenSet(this.#o.encryption, key, set);
    await this.#call(this.#objectOf(key), { op: 'set', key, value: stored, ttlMs: ttlOf(ttlMs) });
    this.#unreadable.delete(key);
  }

  /** Deletes the set; with `ifVersion`, only while the stored set still has that version. */
  async delete(key: string, ifVersion?: number): Promise<void> {
    await this.#call(this.#objectOf(key), { op: 'delete', key, ifVersion: ifVersion ?? null });
  }

  /** The guard of `key` that every isolate honours (see core's `TokenGuard`). Holds no secret. */
  async getGuard(key: string): Promise<TokenGuard | undefined> {
    return (await this.#call(this.#objectOf(key), { op: 'getGuard', key })).guard ?? undefined;
  }

  /** Stores the guard of `key` for `ttlMs`; `undefined` deletes it. */
  async setGuard(key: string, guard: TokenGuard | undefined, ttlMs: number): Promise<void> {
    await this.#call(this.#objectOf(key), { op: 'setGuard', key, guard: guard ?? null, ttlMs: ttlOf(ttlMs) });
  }

  /** Takes the refresh lock: a lease, see `locker` in `store-lock.ts`. */
  lock(key: string, options: TokenStoreLockOptions): Promise<DurableObjectTokenStoreLock | undefined> {
    return this.#lock(key, options);
  }

  /** Safe to log: no secret, no binding. */
  toJSON(): Record<string, unknown> {
    const { name = null, lockTtlMs, waitTimeoutMs, callTimeoutMs, encryption } = this.#o;
    return {
      type: 'DurableObjectTokenStore',
      name,
      encrypted: !!encryption,
      lockTtlMs,
      waitTimeoutMs,
      callTimeoutMs,
    };
  }

  /** For the engines that use the store: without `onWarning`, its warnings go to the first that listens. */
  addWarningListener(listener: WarningListener): void {
    this.#warnings.add(listener);
  }

  #warn(message: string): void {
    this.#warnings.warn(message);
  }
}
