import { causeOf } from './cause.ts';
import { closeQuietly, ignore } from './close.ts';
import { type ClientKind, type Driver, driverOf, kindOf } from './driver.ts';
import { storeError } from './errors.ts';
import { Health, type Warn, watch } from './health.ts';
import type { RedisClientLike } from './options.ts';

/** What `client` must be, for INVALID_OPTIONS messages. */
export const CLIENT_EXPECTED =
  'an ioredis client (new Redis(…), new Cluster(…)), a node-redis client (createClient(), createCluster(), createSentinel()) or a Redis URL (redis://… or rediss://…)';

/** Whether `value` is a usable `client` option. Never shows it: a URL may hold a password. */
export function isClientOrUrl(value: unknown): boolean {
  if (typeof value === 'string') {
    if (!/^rediss?:\/\/./i.test(value)) return false;
    try {
      return !!new URL(value).host;
    } catch {
      return false;
    }
  }
  return kindOf(value) !== undefined;
}

/** The Redis connection of a store or budget: the client passed in, or one opened from a URL. */
export interface Link {
  /** How commands reach the client, once there is one: at once when passed in, after opening for a URL. */
  driver: Driver | undefined;
  /** Resolves the driver; rejects `STORE` when a URL's client cannot be created. */
  readonly opened: Promise<Driver>;
  /** Whether the client was opened here from a URL (and is closed by `close()`). */
  readonly owned: boolean;
  readonly health: Health;
  /** The client's last connection error since it was ready (a safe cause), if any. */
  lastError(): string | undefined;
  /** Stops listening to the client; closes it when owned. */
  close(): Promise<void>;
}

/**
 * Which client a store or budget uses, safe to log: its kind (`'opening'` while a URL's client is
 * being created) and whether it was opened from a URL. Never the URL.
 */
export function clientJSON(link: Link): { client: ClientKind | 'opening'; ownsClient: boolean } {
  return { client: link.driver?.kind ?? 'opening', ownsClient: link.owned };
}

/**
 * Opens the link. A URL gets a client of its own, created with ioredis when it is installed
 * (it reconnects and queues by itself), else with node-redis (`redis`), and connected at once.
 * The URL is kept only by that client: no message, `toJSON()` or `inspect()` shows it.
 */
export function openLink(client: RedisClientLike | string, warn: Warn): Link {
  const health = new Health(warn);
  if (typeof client !== 'string') {
    const driver = driverOf(client);
    const watching = watch(client, health);
    return {
      driver,
      opened: Promise.resolve(driver),
      owned: false,
      health,
      lastError: watching.lastError,
      close: async () => watching.stop(),
    };
  }
  let watching: ReturnType<typeof watch> | undefined;
  const link: Link = {
    driver: undefined,
    owned: true,
    health,
    lastError: () => watching?.lastError(),
    opened: fromUrl(client, (made) => {
      watching = watch(made, health); // before connecting: node-redis must have an error listener
    }).then(
      (made) => {
        link.driver = driverOf(made);
        return link.driver;
      },
      (error: unknown) => {
        // Only a safe cause goes on: a client's own error may show the URL.
        const cause =
          error === NO_LIBRARY ? 'neither ioredis nor redis (node-redis) is installed' : causeOf(error);
        health.failed(cause);
        throw storeError(
          `Could not create a client for the Redis URL: ${cause}. Install ioredis, or pass a client.`,
        );
      },
    ),
    async close() {
      const made = await link.opened.catch(() => undefined);
      await closeQuietly(made?.client);
      watching?.stop();
    },
  };
  link.opened.catch(ignore); // commands report the failure; an idle store must not crash the process
  return link;
}

/** Thrown when neither client library can be imported. */
const NO_LIBRARY = Symbol('no Redis client library');

/** Imported by name at run time, so that bundlers do not require both optional peers. */
const load = (name: string): Promise<Record<string, unknown> | undefined> =>
  import(/* @vite-ignore */ /* webpackIgnore: true */ name).catch(() => undefined);

interface UrlClient {
  connect(): Promise<unknown>;
  once(event: string, listener: () => void): unknown;
}

async function fromUrl(url: string, listen: (client: object) => void): Promise<object> {
  const ioredis = await load('ioredis');
  const Redis = (ioredis?.Redis ?? ioredis?.default) as (new (url: string) => object) | undefined;
  if (typeof Redis === 'function') {
    const client = new Redis(url);
    listen(client);
    return client;
  }
  const nodeRedis = await load('redis');
  const createClient = nodeRedis?.createClient as ((o: { url: string }) => UrlClient) | undefined;
  if (typeof createClient === 'function') {
    const client = createClient({ url });
    listen(client);
    // Resolves at the first connection or its first failure (node-redis then retries by itself, and
    // commands fail fast until it is ready: see `sender`). Until then commands wait rather than fail
    // as "not ready", and close() waits too: node-redis cannot be destroyed while its first socket
    // is connecting (that socket would stay open).
    await new Promise<void>((resolve) => {
      client.once('error', resolve);
      client.connect().then(() => resolve(), resolve);
    });
    return client;
  }
  throw NO_LIBRARY;
}
