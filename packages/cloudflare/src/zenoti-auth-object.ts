import type { TokenGuard } from '@zenoti-auth/core';
import { type BudgetState, newBudget, observeReport, takePermit } from './object-budget.ts';
import { readLive, sweepExpired, writeExpiring } from './object-records.ts';
import type { OpAnswer, Operation, OpRequest, StoredSet } from './protocol.ts';
import type { DurableObjectStateLike, DurableObjectStorageLike } from './workers.ts';

type Handlers = { [O in Operation]: (request: OpRequest<O>, now: number) => Promise<OpAnswer<O>> };

const isWhole = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;
const isMs = (value: unknown): value is number => typeof value === 'number' && value > 0 && value <= 1e11;
const isText = (value: unknown): value is string =>
  typeof value === 'string' && value.length > 0 && value.length <= 1_024;

/** The budget is one record: an object is either a budget object or a token object, by name. */
const BUDGET = 'budget';

/**
 * The Durable Object behind `DurableObjectTokenStore` and `DurableObjectRateBudget`: export it from
 * your worker and bind it in `wrangler.toml` (see the README). It holds token sets (sealed, when the
 * store encrypts: it never sees a key), the shared guards (a rejected password, a refused refresh
 * token, a `Retry-After`), the refresh lock's lease and the rate budget's window, in its
 * transactional storage; an alarm drops expired entries.
 *
 * One object is single-threaded, and Workers deliver no other event to it while it awaits its own
 * storage (input gates): each operation below reads, decides and writes as one step. It does no
 * other I/O. Nothing it answers or logs holds a secret beyond the (sealed) set its caller stored.
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
        if (!isWhole(value?.v) || !isMs(ttlMs)) throw new TypeError('set');
        const live = await readLive<StoredSet>(storage, `set:${key}`, now);
        if (live && live.v > value.v) return { stored: false };
        await writeExpiring(storage, `set:${key}`, value, now + ttlMs, true);
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
        else if (typeof guard === 'object' && isMs(ttlMs))
          await writeExpiring(storage, `guard:${key}`, guard, now + ttlMs, true);
        else throw new TypeError('setGuard');
        return {};
      },

      // A lease: free, ended, or already this holder's → (re)taken until now + leaseMs.
      lock: async ({ key, holder, leaseMs }, now) => {
        if (!isText(holder) || !isMs(leaseMs)) throw new TypeError('lock');
        const current = await readLive<string>(storage, `lock:${key}`, now);
        if (current !== undefined && current !== holder) return { held: false };
        await writeExpiring(storage, `lock:${key}`, holder, now + leaseMs, false);
        return { held: true };
      },

      release: async ({ key, holder }, now) => {
        const current = await readLive<string>(storage, `lock:${key}`, now);
        if (current !== holder) return { released: false };
        return { released: await storage.delete(`lock:${key}`) };
      },

      take: async ({ limit, intervalMs }, now) => {
        const state = await this.#budget(limit, intervalMs);
        const waitMs = takePermit(state, now);
        if (waitMs === 0) await storage.put(BUDGET, state);
        return { waitMs };
      },

      observe: async ({ limit, intervalMs, report }, now) => {
        const state = await this.#budget(limit, intervalMs);
        observeReport(state, report ?? {}, now);
        await storage.put(BUDGET, state);
        return {};
      },

      stats: async () => ({ records: (await storage.list()).size }),
    };
  }

  /** The budget's window; the first call's limit and interval start it (Zenoti's headers then lead). */
  async #budget(limit: number, intervalMs: number): Promise<BudgetState> {
    if (!isWhole(limit) || limit < 1 || !isMs(intervalMs)) throw new TypeError('budget');
    return (await this.#storage.get<BudgetState>(BUDGET)) ?? newBudget(limit, intervalMs);
  }

  /** One operation of the protocol (`protocol.ts`): POST `{ op, … }` → 200 `{ … }`, or 400. */
  async fetch(request: { json(): Promise<unknown> }): Promise<Response> {
    let body: { op?: unknown; key?: unknown };
    try {
      body = (await request.json()) as typeof body;
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
