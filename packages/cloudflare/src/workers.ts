/*
 * The few Cloudflare Workers types this package uses, written structurally so that it needs no
 * `@cloudflare/workers-types` at run time or in its published types: the namespace from
 * `env.ZENOTI_AUTH` and the `ctx` a Durable Object is constructed with both fit them.
 */

/** An id of one Durable Object. */
export interface DurableObjectIdLike {
  toString(): string;
}

/** The answer of a stub's `fetch`, as far as the stores read it. */
export interface StubResponseLike {
  readonly ok: boolean;
  readonly status: number;
  readonly body: { cancel(): Promise<void> } | null;
  json(): Promise<unknown>;
}

/**
 * A stub: a client of one Durable Object (valid within the request that made it). Its `fetch` is
 * written with the one call shape the stores make (a JSON POST), so that Workers' own `fetch` type
 * fits it whichever `Request` and `RequestInit` types a project has in scope.
 */
export interface DurableObjectStubLike {
  fetch(
    input: string,
    init: { method: 'POST'; headers: Record<string, string>; body: string },
  ): Promise<StubResponseLike>;
}

/** A Durable Object namespace binding (`env.ZENOTI_AUTH`, declared in `wrangler.toml`). */
export interface DurableObjectNamespaceLike {
  idFromName(name: string): DurableObjectIdLike;
  // The id parameter is a method parameter (bivariant): Workers' own `DurableObjectId` fits.
  get(id: DurableObjectIdLike): DurableObjectStubLike;
}

/** The transactional key-value storage of a Durable Object (`ctx.storage`). */
export interface DurableObjectStorageLike {
  get<T = unknown>(key: string): Promise<T | undefined>;
  put<T>(key: string, value: T): Promise<void>;
  delete(key: string): Promise<boolean>;
  list<T = unknown>(options?: { prefix?: string; limit?: number }): Promise<Map<string, T>>;
  getAlarm(): Promise<number | null>;
  setAlarm(scheduledTime: number | Date): Promise<void>;
}

/** What a Durable Object is constructed with (`ctx`, formerly `state`). */
export interface DurableObjectStateLike {
  readonly storage: DurableObjectStorageLike;
}
