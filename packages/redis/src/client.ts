import { storeError } from './errors.ts';
import type { ResolvedStoreOptions } from './options.ts';

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

/**
 * Runs `start` with a time limit, so a down Redis fails the call at once instead of leaving it queued
 * in the client. A result that arrives after the limit goes to `late`.
 */
export function timed<T>(
  op: string,
  ms: number,
  start: () => Promise<T>,
  late?: (value: T) => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      reject(storeError(`Redis did not answer ${op} within ${ms} ms.`));
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
 * Sends one command within `commandTimeoutMs`; a reply after it goes to `late`. A client known to
 * be disconnected (ioredis reconnecting, node-redis not ready) fails at once, so nothing piles up in
 * its offline queue. Every failure is a `STORE` error that shows no command argument.
 */
export function sender({ client, io, commandTimeoutMs }: ResolvedStoreOptions): Send {
  const c = client as unknown as AnyClient;
  return (args, late) =>
    timed(
      args[0] as string,
      commandTimeoutMs,
      async () => {
        if (io ? /^(reconnecting|close|end)$/.test(c.status as string) : !c.isOpen || c.isReady === false) {
          throw storeError(
            `Redis is not connected (${io ? `ioredis status "${c.status}"` : `node-redis ${c.isOpen ? 'not ready' : 'closed: call connect() first'}`}).`,
          );
        }
        try {
          return await (io ? c.call(...args) : c.sendCommand(args));
        } catch (error) {
          throw storeError(`Redis ${args[0]} failed.`, error);
        }
      },
      late,
    );
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
