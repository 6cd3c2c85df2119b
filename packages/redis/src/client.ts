import { ZenotiAuthError } from '@zenoti-auth/core';
import { causeOf } from './cause.ts';
import type { Driver } from './driver.ts';
import { storeError } from './errors.ts';
import type { Link } from './link.ts';

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

/** Sends one command, then `WAIT` for `replicas` within `timeoutMs`: the reply and the replicas that confirmed it. */
export type SendAndWait = (args: string[], replicas: number, timeoutMs: number) => Promise<[unknown, number]>;

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

/** After a failure, commands fail at once for this long; then one goes to Redis to try it again. */
const RETRY_AFTER_MS = 100;

/**
 * Sends commands within `commandTimeoutMs`; a reply after it goes to `late`. A client known to be
 * disconnected (ioredis reconnecting, node-redis not ready) fails at once, so nothing piles up in
 * its offline queue. After a failure, commands fail at once with its cause, and one command every
 * `RETRY_AFTER_MS` goes to Redis to try again (the first success lets all through): during a stall
 * or a failover a caller does not wait out the time limit once per command. Every failure is a
 * `STORE` error that names its cause (`causeOf`, the client's last connection error, or the time
 * limit) and shows no command argument; the link's health hears of every failure and success (its
 * warnings).
 */
export function sender(link: Link, commandTimeoutMs: number): { send: Send; sendAndWait: SendAndWait } {
  /** The last failure while Redis has not answered since, and whether a command is trying it again. */
  const failing = { at: 0, cause: '', trying: false };
  const run = async <T>(name: string, op: (driver: Driver) => Promise<T>, late?: (reply: T) => void) => {
    if (failing.at && (failing.trying || Date.now() - failing.at < RETRY_AFTER_MS))
      throw storeError(
        `Redis ${name} failed: ${failing.cause} (Redis is tried again every ${RETRY_AFTER_MS} ms).`,
      );
    const trying = failing.at !== 0;
    failing.trying = trying;
    try {
      // A URL's client is still being created (imported, and for node-redis its first connection
      // tried): that is not the command's time. It settles within node-redis' connect timeout.
      const driver = link.driver ?? (await link.opened);
      const reply = await timed(
        commandTimeoutMs,
        async () => {
          const state = driver.notConnected();
          if (state === undefined) return op(driver);
          const last = link.lastError();
          throw last
            ? new NotConnected(last, `not connected, ${last}`)
            : new NotConnected(`not connected (${state})`, `not connected (${state})`);
        },
        late,
      );
      link.health.ok();
      failing.at = 0;
      return reply;
    } catch (error) {
      if (error instanceof ZenotiAuthError) throw error; // a URL whose client could not be created: said already
      const cause =
        error === TIMED_OUT
          ? `no answer within ${commandTimeoutMs} ms (commandTimeoutMs)`
          : error instanceof NotConnected
            ? error.cause
            : causeOf(error);
      // "Not connected" with no error of the client's yet: the client may say why in a moment.
      link.health.failed(cause, error instanceof NotConnected && link.lastError() === undefined);
      // Only a command that got no answer makes the next ones fail at once: a quick failure costs
      // nothing to repeat, and the next command may well succeed (another node, a new master).
      if (error === TIMED_OUT) {
        failing.at = Date.now();
        failing.cause = cause;
      }
      throw storeError(
        `Redis ${name} failed: ${error instanceof NotConnected ? error.text : cause}.`,
        error === TIMED_OUT || error instanceof NotConnected ? undefined : error,
      );
    } finally {
      if (trying) failing.trying = false;
    }
  };
  return {
    send: (args, late) => run(args[0] as string, (driver) => driver.send(args), late),
    sendAndWait: (args, replicas, timeoutMs) =>
      run(`${args[0]} + WAIT`, (driver) => driver.sendAndWait(args, replicas, timeoutMs)),
  };
}
