import {
  type DurableObjectNamespaceLike,
  DurableObjectTokenStore,
  type DurableObjectTokenStoreLock,
  type DurableObjectTokenStoreOptions,
} from '@zenoti-auth/cloudflare';
import type { TokenGuard, TokenSet } from '@zenoti-auth/core';
import { encryption } from '@zenoti-auth/core/encryption';
import { Hono } from 'hono';

/** What Node sends: the store's options and one operation's arguments. */
interface Call {
  store?: { name?: string; encrypted?: boolean; lockTtlMs?: number };
  key: string;
  value?: TokenSet;
  ttlMs?: number;
  ifVersion?: number;
  guard?: TokenGuard | null;
  /** For lock: how long to wait for it here; 0: one attempt. */
  waitMs?: number;
  /** For release: the lock's handle. */
  handle?: string;
  /** For object: a request straight to the object named `name`, as the store makes it unless told otherwise. */
  request?: { name: string; body: unknown; url?: string; method?: string; header?: boolean };
}

/** The store's own request to an object: its URL and header (see protocol.ts). */
const OBJECT_URL = 'https://zenoti-auth.object/';
const OBJECT_HEADERS = { 'content-type': 'application/json', 'zenoti-auth-object': '1' };

const cipher = encryption('store-bridge test passphrase, 32+ characters long');
/** Locks held for Node, by handle: released by a later request (a new stub per call makes that work). */
const held = new Map<string, DurableObjectTokenStoreLock>();

function storeOf(
  namespace: DurableObjectNamespaceLike,
  options: NonNullable<Call['store']>,
): DurableObjectTokenStore {
  const o: DurableObjectTokenStoreOptions = { namespace, onWarning: () => undefined };
  if (options.name) o.name = options.name;
  if (options.encrypted) o.encryption = cipher;
  if (options.lockTtlMs) o.lockTtlMs = options.lockTtlMs;
  return new DurableObjectTokenStore(o);
}

/** One call of the object's protocol, straight to the object named `name`. */
async function callObject(
  namespace: DurableObjectNamespaceLike,
  name: string,
  body: object,
): Promise<unknown> {
  const res = await namespace.get(namespace.idFromName(name)).fetch(OBJECT_URL, {
    method: 'POST',
    headers: OBJECT_HEADERS,
    body: JSON.stringify(body),
  });
  return res.json();
}

/** Any request to the object named `name` (a foreign one too): its status and text. */
async function requestObject(
  namespace: DurableObjectNamespaceLike,
  { name, body, url = OBJECT_URL, method = 'POST', header = true }: NonNullable<Call['request']>,
): Promise<{ status: number; text: string }> {
  const stub = namespace.get(namespace.idFromName(name)) as unknown as {
    fetch(url: string, init: RequestInit): Promise<Response>;
  };
  const res = await stub.fetch(url, {
    method,
    headers: header ? OBJECT_HEADERS : { 'content-type': 'application/json' },
    ...(method === 'POST' ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  return { status: res.status, text: await res.text() };
}

/** One operation of a DurableObjectTokenStore of this isolate, or of the object itself. */
async function operate(call: Call, op: string, namespace: DurableObjectNamespaceLike): Promise<unknown> {
  const store = storeOf(namespace, call.store ?? {});
  const { key } = call;
  switch (op) {
    case 'get':
      return { set: (await store.get(key)) ?? null };
    case 'set':
      await store.set(key, call.value as TokenSet, call.ttlMs as number);
      return {};
    case 'delete':
      await store.delete(key, call.ifVersion);
      return {};
    case 'getGuard':
      return { guard: (await store.getGuard(key)) ?? null };
    case 'setGuard':
      await store.setGuard(key, call.guard ?? undefined, call.ttlMs as number);
      return {};
    case 'lock': {
      const signal = call.waitMs ? AbortSignal.timeout(call.waitMs) : AbortSignal.abort();
      const lock = await store.lock(key, { ttlMs: call.ttlMs ?? 30_000, signal });
      if (!lock) return { handle: null };
      const handle = crypto.randomUUID();
      held.set(handle, lock);
      return { handle };
    }
    case 'release': {
      const lock = held.get(call.handle as string);
      held.delete(call.handle as string);
      await lock?.release();
      return {};
    }
    // The object itself, past the store: what it holds under `key`, its records, any request.
    case 'raw':
      return callObject(namespace, call.store?.name ?? key, { op: 'get', key });
    case 'stats':
      return callObject(namespace, call.store?.name ?? key, { op: 'stats' });
    case 'object':
      return requestObject(namespace, call.request as NonNullable<Call['request']>);
    default:
      return undefined;
  }
}

/**
 * POST /store/:op — one TokenStore operation on a DurableObjectTokenStore of this isolate (or a call
 * of the object itself). A store's typed error answers 422 `{ code, message }`.
 */
export const storeBridge = new Hono<{ Bindings: { ZENOTI_AUTH: DurableObjectNamespaceLike } }>().post(
  '/:op',
  async (c) => {
    try {
      const answer = await operate(await c.req.json<Call>(), c.req.param('op'), c.env.ZENOTI_AUTH);
      return answer === undefined ? c.json({ error: 'unknown operation' }, 404) : c.json(answer);
    } catch (error) {
      const { code, message } = error as { code?: unknown; message?: unknown };
      if (typeof code !== 'string') throw error;
      return c.json({ code, message }, 422);
    }
  },
);
