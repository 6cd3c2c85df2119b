import { ZenotiAuthError } from '@zenoti-auth/core';
import { causeOf } from './cause.ts';
import { storeError } from './errors.ts';
import type { Link } from './link.ts';

/** For promises whose failure is handled elsewhere or does not matter (said where it is used). */
export const ignore = (): void => undefined;

/**
 * The parts of both clients used here: ioredis (`status`, `call`) or node-redis (`isOpen`,
 * `sendCommand`). Both have `duplicate()`, `on()` and `subscribe()`.
 */
export interface AnyClient {
  status?: string;
  isOpen?: boolean;
  isReady?: boolean;
  call(...args: string[]): Promise<unknown>;
  sendCommand(args: string[]): Promise<unknown>;
  duplicate(): AnyClient;
  on(event: string, listener: (...args: string[]) => void): unknown;
  connect(): Promise<unknown>;
  subscribe(channel: string, listener?: (message: string) => void): Promise<unknown>;
  destroy?(): void;
  disconnect(): unknown;
}

/** What `timed` rejects with when the time is up. */
export const TIMED_OUT = Symbol('timed out');

/**
 * Runs `start` with a time limit, so a down Redis fails the call at once instead of leaving it queued
 * in the client: past `ms` it rejects with `TIMED_OUT`. A result that arrives after the limit goes to `late`.
 */
export function timed<T>(ms: number, start: () => Promise<T>, late?: (value: T) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      reject(TIMED_OUT);
    }, ms);
    (timer as { unref?: () => void }).unref?.();
    start().then(
      (value) => {
        clearTimeout(timer);
        if (timedOut) late?.(value);
        else resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer); // and once timed out, a late failure changes nothing
        reject(error);
      },
    );
  });
}

/** Sends one command; the reply is `unknown` (Redis replies are strings, numbers, arrays or null). */
export type Send = (args: string[], late?: (reply: unknown) => void) => Promise<unknown>;

/**
 * A command not sent: the client is known to be disconnected. `cause` is its last connection error
 * (the same cause its `error` event reported), or else its state.
 */
class NotConnected {
  constructor(
    readonly cause: string,
    readonly text: string,
  ) {}
}

/**
 * Sends one command within `commandTimeoutMs`; a reply after it goes to `late`. A client known to
 * be disconnected (ioredis reconnecting, node-redis not ready) fails at once, so nothing piles up in
 * its offline queue. Every failure is a `STORE` error that names its cause (`causeOf`, the client's
 * last connection error, or the time limit) and shows no command argument; the link's health hears
 * of every failure and success (its warnings).
 */
export function sender(link: Link, commandTimeoutMs: number): Send {
  const command = async (args: string[]): Promise<unknown> => {
    const c = link.client as AnyClient;
    const io = link.io;
    if (io ? /^(reconnecting|close|end)$/.test(c.status as string) : !c.isOpen || c.isReady === false) {
      const state = io
        ? `ioredis status "${c.status}"`
        : `node-redis ${c.isOpen ? 'not ready' : 'closed: call connect() first'}`;
      const last = link.lastError();
      throw last
        ? new NotConnected(last, `not connected, ${last}`)
        : new NotConnected(`not connected (${state})`, `not connected (${state})`);
    }
    return io ? c.call(...args) : c.sendCommand(args);
  };
  return async (args, late) => {
    try {
      // A URL's client is still being created (imported, and for node-redis its first connection
      // tried): that is not the command's time. It settles within node-redis' connect timeout.
      if (!link.client) await link.opened;
      const reply = await timed(commandTimeoutMs, () => command(args), late);
      link.health.ok();
      return reply;
    } catch (error) {
      if (error instanceof ZenotiAuthError) throw error; // a URL whose client could not be created: said already
      const cause =
        error === TIMED_OUT
          ? `no answer within ${commandTimeoutMs} ms (commandTimeoutMs)`
          : error instanceof NotConnected
            ? error.cause
            : causeOf(error);
      link.health.failed(cause);
      throw storeError(
        `Redis ${args[0]} failed: ${error instanceof NotConnected ? error.text : cause}.`,
        error === TIMED_OUT || error instanceof NotConnected ? undefined : error,
      );
    }
  };
}

/** Closes a connection of ours; already closed or never connected is fine. Resolves nothing. */
export async function closeQuietly(connection: AnyClient | undefined): Promise<undefined> {
  try {
    await (connection?.destroy ? connection.destroy() : connection?.disconnect());
  } catch {
    // Already closed or never connected.
  }
  return undefined;
}
