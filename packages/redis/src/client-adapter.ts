import { storeError } from './errors.ts';
import { invalid } from './options.ts';

/** A subscription on a connection of its own. */
export interface Subscription {
  close(): Promise<void>;
}

/** The little the store needs from Redis, the same for ioredis and node-redis. */
export interface RedisDriver {
  readonly kind: 'ioredis' | 'node-redis';
  get(key: string): Promise<string | null>;
  /**
   * `SET key value NX PX ttlMs`: true when set. When the call fails by timeout and the command
   * still runs later, `onLate` learns the outcome (so a lock taken too late can be given back).
   */
  setNxPx(key: string, value: string, ttlMs: number, onLate?: (set: boolean) => void): Promise<boolean>;
  eval(script: string, keys: readonly string[], args: readonly string[]): Promise<unknown>;
  /** Opens a second connection (`duplicate()`) subscribed to `channel`. */
  subscribe(channel: string, onMessage: (message: string) => void): Promise<Subscription>;
}

// ---- the shapes used of each client (checked at run time before use) ------------------------------

interface Emitter {
  on(event: string, listener: (...args: unknown[]) => void): unknown;
}

interface IoRedis extends Emitter {
  readonly status: string;
  get(key: string): Promise<string | null>;
  set(key: string, value: string, px: 'PX', ms: number, nx: 'NX'): Promise<string | null>;
  eval(script: string, numKeys: number, ...args: string[]): Promise<unknown>;
  duplicate(): IoRedis;
  subscribe(channel: string): Promise<unknown>;
  disconnect(): void;
}

interface NodeRedis extends Emitter {
  readonly isOpen: boolean;
  readonly isReady?: boolean;
  sendCommand(args: string[]): Promise<unknown>;
  duplicate(): NodeRedis;
  connect(): Promise<unknown>;
  subscribe(channel: string, listener: (message: unknown) => void): Promise<unknown>;
  destroy?(): void;
  disconnect?(): Promise<unknown>;
}

function hasFunctions(value: object, names: readonly string[]): boolean {
  const record = value as Record<string, unknown>;
  return names.every((name) => typeof record[name] === 'function');
}

function isIoRedis(value: object): value is IoRedis {
  return (
    typeof (value as { status?: unknown }).status === 'string' &&
    hasFunctions(value, ['get', 'set', 'eval', 'duplicate', 'subscribe', 'disconnect', 'on'])
  );
}

function isNodeRedis(value: object): value is NodeRedis {
  return (
    typeof (value as { isOpen?: unknown }).isOpen === 'boolean' &&
    hasFunctions(value, ['sendCommand', 'duplicate', 'connect', 'subscribe', 'on'])
  );
}

// ---- time limits ------------------------------------------------------------------------------------

function unref(timer: ReturnType<typeof setTimeout>): void {
  (timer as { unref?: () => void }).unref?.();
}

/**
 * Runs one Redis call with a time limit, so a down Redis fails the call at once instead of leaving it
 * queued in the client. A result that arrives after the limit goes to `onLate`.
 */
function timed<T>(op: string, ms: number, start: () => Promise<T>, onLate?: (value: T) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => {
      settled = true;
      reject(storeError(`Redis did not answer ${op} within ${ms} ms.`));
    }, ms);
    unref(timer);
    let running: Promise<T>;
    try {
      running = start();
    } catch (error) {
      clearTimeout(timer);
      reject(storeError(`Redis ${op} failed.`, error));
      return;
    }
    running.then(
      (value) => {
        if (settled) {
          onLate?.(value);
          return;
        }
        settled = true;
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        reject(storeError(`Redis ${op} failed.`, error));
      },
    );
  });
}

async function closeQuietly(close: () => unknown): Promise<void> {
  try {
    await close();
  } catch {
    // Already closed or never connected.
  }
}

/** Subscribes on a fresh connection; gives up (and closes it) past the time limit. */
async function subscribeWith(
  open: () => Promise<unknown>,
  close: () => unknown,
  timeoutMs: number,
): Promise<Subscription> {
  try {
    await timed('SUBSCRIBE', timeoutMs, open);
  } catch (error) {
    await closeQuietly(close);
    throw error;
  }
  return { close: () => closeQuietly(close) };
}

// ---- the two drivers --------------------------------------------------------------------------------

const IOREDIS_DOWN = new Set(['reconnecting', 'close', 'end']);

function ioredisDriver(client: IoRedis, timeoutMs: number): RedisDriver {
  const check = (): void => {
    if (IOREDIS_DOWN.has(client.status)) {
      throw storeError(`Redis is not connected (ioredis status "${client.status}").`);
    }
  };
  const run = <T>(op: string, call: () => Promise<T>, onLate?: (value: T) => void): Promise<T> =>
    timed(
      op,
      timeoutMs,
      () => {
        check();
        return call();
      },
      onLate,
    );
  return {
    kind: 'ioredis',
    get: (key) => run('GET', () => client.get(key)),
    setNxPx: (key, value, ttlMs, onLate) =>
      run('SET', async () => (await client.set(key, value, 'PX', ttlMs, 'NX')) === 'OK', onLate),
    eval: (script, keys, args) => run('EVAL', () => client.eval(script, keys.length, ...keys, ...args)),
    subscribe: (channel, onMessage) => {
      const sub = client.duplicate();
      sub.on('error', () => undefined); // reconnects by itself; polling covers the gap
      sub.on('message', (ch, message) => {
        if (ch === channel && typeof message === 'string') onMessage(message);
      });
      return subscribeWith(
        () => sub.subscribe(channel),
        () => sub.disconnect(),
        timeoutMs * 2,
      );
    },
  };
}

function nodeRedisDriver(client: NodeRedis, timeoutMs: number): RedisDriver {
  let everReady = false;
  const check = (): void => {
    if (!client.isOpen) throw storeError('The node-redis client is closed (call connect() first).');
    const ready = client.isReady ?? true;
    if (ready) everReady = true;
    else if (everReady) throw storeError('Redis is not connected (node-redis is reconnecting).');
  };
  const run = (op: string, args: string[], onLate?: (value: unknown) => void): Promise<unknown> =>
    timed(
      op,
      timeoutMs,
      () => {
        check();
        return client.sendCommand(args);
      },
      onLate,
    );
  return {
    kind: 'node-redis',
    get: async (key) => {
      const value = await run('GET', ['GET', key]);
      return typeof value === 'string' ? value : null;
    },
    setNxPx: async (key, value, ttlMs, onLate) =>
      (await run(
        'SET',
        ['SET', key, value, 'PX', String(ttlMs), 'NX'],
        onLate && ((reply) => onLate(reply === 'OK')),
      )) === 'OK',
    eval: (script, keys, args) => run('EVAL', ['EVAL', script, String(keys.length), ...keys, ...args]),
    subscribe: (channel, onMessage) => {
      const sub = client.duplicate();
      sub.on('error', () => undefined); // without a listener node-redis would crash the process
      const close = (): unknown => (sub.destroy ? sub.destroy() : sub.disconnect?.());
      return subscribeWith(
        async () => {
          await sub.connect();
          await sub.subscribe(channel, (message) => {
            if (typeof message === 'string') onMessage(message);
          });
        },
        close,
        timeoutMs * 2,
      );
    },
  };
}

/** Detects the client and wraps it; anything else is an `INVALID_OPTIONS` error naming `client`. */
export function createDriver(client: unknown, timeoutMs: number): RedisDriver {
  if (typeof client === 'object' && client !== null) {
    if (isIoRedis(client)) return ioredisDriver(client, timeoutMs);
    if (isNodeRedis(client)) return nodeRedisDriver(client, timeoutMs);
  }
  return invalid(
    'client',
    'must be an ioredis instance (new Redis(…)) or a node-redis client (createClient()).',
  );
}
