import { checkGuard, type TokenGuard } from '@zenoti-auth/core';
import { isStoredSet } from './envelope.ts';
import {
  type BudgetState,
  bounded,
  DAY_MS,
  MAX_LIMIT,
  newBudget,
  observeReport,
  takePermit,
} from './object-budget.ts';
import { readLive, sweepExpired, writeExpiring } from './object-records.ts';
import {
  OBJECT_HEADER,
  OBJECT_URL,
  type OpAnswer,
  type Operation,
  type OpRequest,
  type StoredSet,
} from './protocol.ts';
import type { DurableObjectStateLike, DurableObjectStorageLike } from './workers.ts';

type Handlers = { [O in Operation]: (request: OpRequest<O>, now: number) => Promise<OpAnswer<O>> };

/**
 * A token set lives as long as its refresh token (Zenoti's last 90 days), up to a year; a guard
 * and a lease at most a day. Longer asks are brought down to these, not refused.
 */
const SET_TTL_MS = 365 * DAY_MS;

const isText = (value: unknown): value is string =>
  typeof value === 'string' && value.length > 0 && value.length <= 1_024;

/** `ttlMs` within `most`; a TypeError (400) when it is no positive number. */
function ttl(ttlMs: unknown, most: number, op: string): number {
  const ms = bounded(ttlMs, 1, most);
  if (ms === undefined) throw new TypeError(op);
  return ms;
}

/** The budget is one record: an object is either a budget object or a token object, by name. */
const BUDGET = 'budget';

/** The longest request body: a token set of up to 16 kB, sealed, and its key. */
const MAX_BODY_CHARS = 32_768;

/** A request as the object reads it (Workers' `Request` fits). */
export interface ObjectRequest {
  readonly url: string;
  readonly method: string;
  readonly headers: { get(name: string): string | null };
  text(): Promise<string>;
}

/**
 * The Durable Object behind `DurableObjectTokenStore` and `DurableObjectRateBudget`: export it from
 * your worker and bind it in `wrangler.toml` (see the README). It holds token sets (sealed, when the
 * store encrypts: it never sees a key), the shared guards (a rejected password, a refused refresh
 * token, a `Retry-After`), the refresh lock's lease and the rate budget's window, in its
 * transactional storage; an alarm drops expired entries.
 *
 * It answers only its stores' requests (their URL and header; any other is 404) and checks what
 * they ask to keep: a token set's shape and size, a guard's shape (core's `checkGuard`, as on
 * Redis); TTLs and leases are bounded (see above). One object is single-threaded, and Workers
 * deliver no other event to it while it awaits its own storage (input gates): each operation below
 * reads, decides and writes as one step. It does no other I/O. Nothing it answers or logs holds a
 * secret beyond the (sealed) set its caller stored.
 */
export class ZenotiAuthObject {
  readonly #storage: DurableObjectStorageLike;
  readonly #handlers: Handlers;

  constructor(ctx: DurableObjectStateLike, _env?: unknown) {
    const storage = ctx.storage;
    this.#storage = storage;
    this.#handlers = {
      get: async ({ key }, now) => ({
        value: (await readLive<StoredSet>(storage, `set:${key}`, now)) ?? null,
      }),

      // Monotonic: a set of a lower version than the live one is not stored (a slow writer).
      set: async ({ key, value, ttlMs }, now) => {
        if (!isStoredSet(value)) throw new TypeError('set');
        const until = now + ttl(ttlMs, SET_TTL_MS, 'set');
        const live = await readLive<StoredSet>(storage, `set:${key}`, now);
        if (live && live.v > value.v) return { stored: false };
        await writeExpiring(storage, `set:${key}`, value, until, true);
        return { stored: true };
      },

      // Compare-and-delete with `ifVersion`.
      delete: async ({ key, ifVersion }, now) => {
        const live = await readLive<StoredSet>(storage, `set:${key}`, now);
        if (!live || (ifVersion !== null && live.v !== ifVersion)) return { deleted: false };
        return { deleted: await storage.delete(`set:${key}`) };
      },

      getGuard: async ({ key }, now) => ({
        guard: (await readLive<TokenGuard>(storage, `guard:${key}`, now)) ?? null,
      }),

      setGuard: async ({ key, guard, ttlMs }, now) => {
        if (guard === null) await storage.delete(`guard:${key}`);
        else if (typeof checkGuard(guard) !== 'string')
          await writeExpiring(storage, `guard:${key}`, guard, now + ttl(ttlMs, DAY_MS, 'setGuard'), true);
        else throw new TypeError('setGuard');
        return {};
      },

      // A lease: free, ended, or already this holder's → (re)taken until now + leaseMs.
      lock: async ({ key, holder, leaseMs }, now) => {
        if (!isText(holder)) throw new TypeError('lock');
        const until = now + ttl(leaseMs, DAY_MS, 'lock');
        const current = await readLive<string>(storage, `lock:${key}`, now);
        if (current !== undefined && current !== holder) return { held: false };
        await writeExpiring(storage, `lock:${key}`, holder, until, false);
        return { held: true };
      },

      release: async ({ key, holder }, now) => {
        const current = await readLive<string>(storage, `lock:${key}`, now);
        if (current !== holder) return { released: false };
        return { released: await storage.delete(`lock:${key}`) };
      },

      take: async ({ limit, intervalMs, account }, now) => {
        const state = await this.#budget(limit, intervalMs, account);
        const waitMs = takePermit(state, now);
        if (waitMs === 0) await storage.put(BUDGET, state);
        return { waitMs, ...ownerOf(state, account) };
      },

      observe: async ({ limit, intervalMs, account, report }, now) => {
        const state = await this.#budget(limit, intervalMs, account);
        observeReport(state, report ?? {}, now);
        await storage.put(BUDGET, state);
        return ownerOf(state, account);
      },

      stats: async () => {
        const records = await storage.list<{ until?: number }>();
        let last = 0;
        for (const record of records.values()) last = Math.max(last, record?.until ?? 0);
        return { records: records.size, lastExpiry: last || null };
      },
    };
  }

  /**
   * The budget's window; the first call's limit and interval start it (Zenoti's headers then
   * lead), and the first call that names an account makes it that account's.
   */
  async #budget(limit: unknown, intervalMs: unknown, account: unknown): Promise<BudgetState> {
    if (
      bounded(limit, 1, MAX_LIMIT) !== limit ||
      bounded(intervalMs, 1, DAY_MS) !== intervalMs ||
      typeof account !== 'string' ||
      account.length > 200
    )
      throw new TypeError('budget');
    const state =
      (await this.#storage.get<BudgetState>(BUDGET)) ?? newBudget(limit as number, intervalMs as number);
    if (!state.account && account) state.account = account;
    return state;
  }

  /**
   * One operation of the protocol (`protocol.ts`): POST `{ op, … }` → 200 `{ … }`, or 400 for a bad
   * one. A request that is not a store's (another URL, method, or without the store's header) → 404.
   */
  async fetch(request: ObjectRequest): Promise<Response> {
    if (request.method !== 'POST' || request.url !== OBJECT_URL || request.headers.get(OBJECT_HEADER) !== '1')
      return new Response('Not found', { status: 404 });
    let body: { op?: unknown; key?: unknown };
    try {
      const text = await request.text();
      if (text.length > MAX_BODY_CHARS) throw new RangeError('too large');
      body = JSON.parse(text);
    } catch {
      return new Response('Bad request', { status: 400 });
    }
    const handler = this.#handlers[body?.op as Operation] as
      | ((request: unknown, now: number) => Promise<unknown>)
      | undefined;
    if (!handler || !Object.hasOwn(this.#handlers, body.op as string))
      return new Response('Unknown operation', { status: 400 });
    if (!['take', 'observe', 'stats'].includes(body.op as string) && !isText(body.key))
      return new Response('Bad key', { status: 400 });
    try {
      return Response.json(await handler(body, Date.now()));
    } catch (error) {
      // A malformed operation: its name only, never its content.
      return new Response(`Bad "${String(body.op)}" operation`, {
        status: error instanceof TypeError ? 400 : 500,
      });
    }
  }

  /** Drops expired token sets, guards and ended leases; sets the next alarm. */
  async alarm(): Promise<void> {
    await sweepExpired(this.#storage, Date.now());
  }
}

/** `{ owner }` when the budget is another account's than the caller's, else nothing. */
function ownerOf(state: BudgetState, account: string): { owner?: string } {
  return state.account && account && state.account !== account ? { owner: state.account } : {};
}
