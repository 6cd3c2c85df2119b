import type { RateReport, TokenGuard } from '@zenoti-auth/core';
import type { StoredSet } from '@zenoti-auth/core/shared-store';
import { storeError } from './errors.ts';
import type { DurableObjectIdLike, DurableObjectNamespaceLike } from './workers.ts';

/*
 * The small JSON protocol between the stores (in every isolate) and `ZenotiAuthObject`: one POST
 * per operation, `{ op, … }` in, `{ … }` out. A plain `fetch` handler needs no `cloudflare:workers`
 * import and no RPC, so the package builds as plain ESM + CJS and runs on any Workers runtime.
 */

/** A token set as the object keeps it: core's stored form, its version in clear. */
export type { StoredSet } from '@zenoti-auth/core/shared-store';

/** The operations and their answers. Times are ms; `ttlMs` and leases count on the object's clock. */
export interface Operations {
  get: [{ key: string }, { value: StoredSet | null }];
  set: [{ key: string; value: StoredSet; ttlMs: number }, { stored: boolean }];
  delete: [{ key: string; ifVersion: number | null }, { deleted: boolean }];
  getGuard: [{ key: string }, { guard: TokenGuard | null }];
  setGuard: [{ key: string; guard: TokenGuard | null; ttlMs: number }, Record<string, never>];
  /** Takes (or renews, for its holder) the lease on `key` unless another holder's lease runs. */
  lock: [{ key: string; holder: string; leaseMs: number }, { held: boolean }];
  /** Ends the lease on `key` if `holder` has it. */
  release: [{ key: string; holder: string }, { released: boolean }];
  /**
   * One permit of the rate budget, or the ms until its window refills (core's `RateBudget.take`).
   * `account` is whose calls it pays for ('' for none); `owner` answers the account the budget is
   * recorded for when that is another (two organisations on one budget).
   */
  take: [BudgetCall, { waitMs: number; owner?: string }];
  observe: [BudgetCall & { report: RateReport }, { owner?: string }];
  /**
   * How many records the object holds, expired ones not yet swept included, and when the last of
   * them expires (ms, the object's clock; for monitoring: no content).
   */
  stats: [Record<string, never>, { records: number; lastExpiry: number | null }];
}

/** The budget's starting limit and window, and whose calls it pays for. */
interface BudgetCall {
  limit: number;
  intervalMs: number;
  account: string;
}

export type Operation = keyof Operations;

/**
 * The one URL and header of the store's calls: the object answers 404 to any other request (one
 * the worker forwards by mistake, say), so that only the stores of this package reach its records.
 */
export const OBJECT_URL = 'https://zenoti-auth.object/';
export const OBJECT_HEADER = 'zenoti-auth-object';
export type OpRequest<O extends Operation> = { op: O } & Operations[O][0];
export type OpAnswer<O extends Operation> = Operations[O][1];

/** Most object ids remembered per namespace (an id is derived from its name by hashing). */
const MAX_IDS = 1_000;

/**
 * Calls one object by name. A stub is made per call: Workers forbid using one made by another
 * request, and a store outlives requests. Rejects with `STORE` (never echoing the call) when the
 * object fails, answers with an error, or takes longer than `timeoutMs`.
 */
export function caller(namespace: DurableObjectNamespaceLike, timeoutMs: number) {
  const ids = new Map<string, DurableObjectIdLike>();
  const idOf = (name: string): DurableObjectIdLike => {
    let id = ids.get(name);
    if (!id) {
      if (ids.size >= MAX_IDS) ids.clear();
      id = namespace.idFromName(name);
      ids.set(name, id);
    }
    return id;
  };
  return async function call<O extends Operation>(name: string, request: OpRequest<O>): Promise<OpAnswer<O>> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      const answer = namespace.get(idOf(name)).fetch(OBJECT_URL, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [OBJECT_HEADER]: '1' },
        body: JSON.stringify(request),
      });
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(storeError(`The Durable Object did not answer "${request.op}" within ${timeoutMs} ms.`)),
          timeoutMs,
        );
      });
      const res = await Promise.race([answer, late]);
      if (!res.ok) {
        await res.body?.cancel();
        throw storeError(`The Durable Object answered "${request.op}" with ${res.status}.`);
      }
      return (await res.json()) as OpAnswer<O>;
    } catch (error) {
      if ((error as { code?: unknown }).code === 'STORE') throw error;
      throw storeError(`The Durable Object could not be reached for "${request.op}".`, error);
    } finally {
      clearTimeout(timer);
    }
  };
}

export type Call = ReturnType<typeof caller>;
