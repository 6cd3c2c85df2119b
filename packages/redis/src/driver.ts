import { closeQuietly, ignore } from './close.ts';

/**
 * The Redis clients and topologies a store or budget accepts, each with its own way to send a
 * command. Only what is used here is spelled out; `driverOf` tells them apart by shape.
 */
export type ClientKind =
  | 'ioredis'
  /** ioredis `new Cluster(…)`. */
  | 'ioredis cluster'
  /** node-redis `createClient()`. */
  | 'node-redis'
  /** node-redis `createCluster()`. */
  | 'node-redis cluster'
  /** node-redis `createSentinel()`. */
  | 'node-redis sentinel';

type Listener = (...args: unknown[]) => void;

interface Emitting {
  on(event: string, listener: Listener): unknown;
}

/** An ioredis pipeline: commands queued on one connection, sent by `exec()`. */
interface IoPipeline {
  call(...args: string[]): IoPipeline;
  exec(): Promise<Array<[Error | null, unknown]> | null>;
}

interface IoClient extends Emitting {
  status: string;
  isCluster?: boolean;
  call(...args: string[]): Promise<unknown>;
  pipeline(): IoPipeline;
  duplicate(): IoClient;
  subscribe(channel: string): Promise<unknown>;
}

interface NodeClient extends Emitting {
  isOpen: boolean;
  isReady?: boolean;
  sendCommand(...args: unknown[]): Promise<unknown>;
  duplicate?(): NodeClient;
  connect(): Promise<unknown>;
  subscribe(channel: string, listener: (message: string) => void): Promise<unknown>;
  unsubscribe(channel: string, listener: (message: string) => void): Promise<unknown>;
  use?<T>(fn: (client: NodeClient) => Promise<T>): Promise<T>;
}

/** How commands reach Redis through one client. */
export interface Driver {
  readonly kind: ClientKind;
  readonly client: object;
  /** Why a command cannot go now (the client knows it is disconnected), else `undefined`. */
  notConnected(): string | undefined;
  /** Sends one command (a cluster routes it by its first key: see `firstKey`). */
  send(args: string[]): Promise<unknown>;
  /**
   * Sends one command, then `WAIT replicas timeoutMs` on the same connection: its reply, and how
   * many replicas have confirmed it.
   */
  sendAndWait(args: string[], replicas: number, timeoutMs: number): Promise<[unknown, number]>;
  /**
   * Subscribes to `channel` on a connection of its own; resolves what closes it. A connection still
   * subscribing when `signal` fires is closed.
   */
  subscribe(
    channel: string,
    onMessage: (message: string) => void,
    signal: AbortSignal,
  ): Promise<() => Promise<void>>;
}

const isFunction = (value: unknown): boolean => typeof value === 'function';

/** The first key of a command sent here: `EVAL script numkeys key …`, else `CMD key …`. */
export const firstKey = (args: string[]): string | undefined => (args[0] === 'EVAL' ? args[3] : args[1]);

/** Which client `value` is, or `undefined` when it is none of the supported ones. */
export function kindOf(value: unknown): ClientKind | undefined {
  const c = value as Record<string, unknown> | undefined;
  if (!c || typeof c !== 'object' || !isFunction(c.on)) return undefined;
  if (typeof c.status === 'string' && isFunction(c.call) && isFunction(c.duplicate))
    return c.isCluster === true ? 'ioredis cluster' : 'ioredis';
  if (typeof c.isOpen !== 'boolean' || !isFunction(c.sendCommand)) return undefined;
  if (isFunction(c.nodeClient) && isFunction(c.duplicate)) return 'node-redis cluster';
  if (isFunction(c.acquire) && isFunction(c.use)) return 'node-redis sentinel';
  return isFunction(c.duplicate) ? 'node-redis' : undefined;
}

/** The driver of a client `kindOf` accepted. */
export function driverOf(client: object): Driver {
  const kind = kindOf(client) as ClientKind;
  return kind.startsWith('ioredis')
    ? ioDriver(client as IoClient, kind)
    : nodeDriver(client as NodeClient, kind);
}

function ioDriver(c: IoClient, kind: ClientKind): Driver {
  return {
    kind,
    client: c,
    notConnected: () =>
      /^(reconnecting|close|end)$/.test(c.status) ? `ioredis status "${c.status}"` : undefined,
    send: (args) => c.call(...args), // ioredis routes by the keys it knows each command to have
    async sendAndWait(args, replicas, timeoutMs) {
      // A pipeline goes to one connection (in a cluster, the node of its first key's slot).
      const replies =
        (await c
          .pipeline()
          .call(...args)
          .call('WAIT', `${replicas}`, `${timeoutMs}`)
          .exec()) ?? [];
      for (const [error] of replies) if (error) throw error;
      return [replies[0]?.[1], Number(replies[1]?.[1])];
    },
    async subscribe(channel, onMessage, signal) {
      const sub = c.duplicate();
      sub.on('error', ignore); // it reconnects by itself; the main client's listener reports causes
      sub.on('message', (_channel, message) => onMessage(message as string));
      return subscribed(sub, () => sub.subscribe(channel), signal);
    },
  };
}

function nodeDriver(c: NodeClient, kind: ClientKind): Driver {
  const send = (args: string[], key = firstKey(args)): Promise<unknown> =>
    kind === 'node-redis cluster'
      ? c.sendCommand(key, false, args)
      : kind === 'node-redis sentinel'
        ? c.sendCommand(false, args)
        : c.sendCommand(args);
  return {
    kind,
    client: c,
    notConnected() {
      if (!c.isOpen) return `${kind} closed: call connect() first`;
      return c.isReady === false ? `${kind} not ready` : undefined;
    },
    send: (args) => send(args),
    async sendAndWait(args, replicas, timeoutMs) {
      const key = firstKey(args); // WAIT goes where the command went
      const wait = ['WAIT', `${replicas}`, `${timeoutMs}`];
      // One connection for both: a sentinel's lease of its master; a client or a cluster's node
      // (by the key's slot) sends in order on its one connection.
      const both = (on: (args: string[]) => Promise<unknown>) => Promise.all([on(args), on(wait)]);
      const [reply, confirmed] =
        kind === 'node-redis sentinel' && c.use
          ? await c.use((lease) => both((a) => lease.sendCommand(false, a)))
          : await both((a) => send(a, key));
      return [reply, Number(confirmed)];
    },
    async subscribe(channel, onMessage, signal) {
      // A sentinel client subscribes on a connection it keeps for that; the others get one of ours.
      if (!c.duplicate) {
        await c.subscribe(channel, onMessage);
        return async () => {
          await c.unsubscribe(channel, onMessage).catch(ignore);
        };
      }
      const sub = c.duplicate();
      sub.on('error', ignore); // without a listener node-redis would crash the process
      return subscribed(
        sub,
        async () => {
          await sub.connect();
          await sub.subscribe(channel, onMessage);
        },
        signal,
      );
    },
  };
}

/** Runs `subscribe` on `sub`; closes `sub` if it fails or `signal` fires first. Resolves what closes it. */
async function subscribed(
  sub: object,
  subscribe: () => Promise<unknown>,
  signal: AbortSignal,
): Promise<() => Promise<void>> {
  const close = () => closeQuietly(sub).then(ignore);
  signal.addEventListener('abort', close, { once: true });
  try {
    await subscribe();
  } catch (error) {
    await close();
    throw error;
  } finally {
    signal.removeEventListener('abort', close);
  }
  if (signal.aborted) throw new Error('subscribed too late');
  return close;
}
