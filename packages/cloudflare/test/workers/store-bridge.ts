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
  store: { name?: string; encrypted?: boolean; lockTtlMs?: number };
  key: string;
  value?: TokenSet;
  ttlMs?: number;
  ifVersion?: number;
  guard?: TokenGuard | null;
  /** For lock: how long to wait for it here; 0: one attempt. */
  waitMs?: number;
  /** For release: the lock's handle. */
  handle?: string;
}

const cipher = encryption('store-bridge test passphrase, 32+ characters long');
/** Locks held for Node, by handle: released by a later request (a new stub per call makes that work). */
const held = new Map<string, DurableObjectTokenStoreLock>();

function storeOf(namespace: DurableObjectNamespaceLike, options: Call['store']): DurableObjectTokenStore {
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
  const res = await namespace.get(namespace.idFromName(name)).fetch('https://zenoti-auth.object/', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return res.json();
}

/** POST /store/:op — one TokenStore operation on a DurableObjectTokenStore of this isolate. */
export const storeBridge = new Hono<{ Bindings: { ZENOTI_AUTH: DurableObjectNamespaceLike } }>().post(
  '/:op',
  async (c) => {
    const call = await c.req.json<Call>();
    const store = storeOf(c.env.ZENOTI_AUTH, call.store);
    const { key } = call;
    switch (c.req.param('op')) {
      case 'get':
        return c.json({ set: (await store.get(key)) ?? null });
      case 'set':
        await store.set(key, call.value as TokenSet, call.ttlMs as number);
        return c.json({});
      case 'delete':
        await store.delete(key, call.ifVersion);
        return c.json({});
      case 'getGuard':
        return c.json({ guard: (await store.getGuard(key)) ?? null });
      case 'setGuard':
        await store.setGuard(key, call.guard ?? undefined, call.ttlMs as number);
        return c.json({});
      case 'lock': {
        const signal = call.waitMs ? AbortSignal.timeout(call.waitMs) : AbortSignal.abort();
        const lock = await store.lock(key, { ttlMs: call.ttlMs ?? 30_000, signal });
        if (!lock) return c.json({ handle: null });
        const handle = crypto.randomUUID();
        held.set(handle, lock);
        return c.json({ handle });
      }
      case 'release': {
        const lock = held.get(call.handle as string);
        held.delete(call.handle as string);
        await lock?.release();
        return c.json({});
      }
      // The object itself, past the store: what it holds under `key`, and how many records.
      case 'raw':
        return c.json(await callObject(c.env.ZENOTI_AUTH, call.store.name ?? key, { op: 'get', key }));
      case 'stats':
        return c.json(await callObject(c.env.ZENOTI_AUTH, call.store.name ?? key, { op: 'stats' }));
      default:
        return c.json({ error: 'unknown operation' }, 404);
    }
  },
);
