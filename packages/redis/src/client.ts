import { storeError } from './errors.ts';

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
