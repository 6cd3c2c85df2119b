import { ZenotiAuthError } from './errors.ts';

/**
 * A point in time as milliseconds since the Unix epoch (UTC), as `Date.now()` gives it: the one type
 * of every time in the public API (event and health fields, `login()`'s result, token sets), so
 * that a value compares with `<`, survives `JSON.stringify` unchanged, and reads back with
 * `new Date(ms)`. Durations are plain numbers named `…Ms`.
 */
export type EpochMilliseconds = number;

/**
 * Parses a Zenoti date-time as UTC. Zenoti sends seven fractional digits
 * (`2022-06-08T11:19:18.7016839Z`); a value without a zone is taken as UTC.
 * Returns ms since epoch, or undefined when the value is not such a date.
 */
export function parseZenotiDate(value: unknown): number | undefined {
  const m =
    typeof value === 'string' &&
    /^(\d{4}-\d\d-\d\d)[T ](\d\d:\d\d:\d\d)(?:[.,](\d{1,3})\d*)?(?:Z|([+-])(\d\d):?(\d\d))?$/i.exec(
      value.trim(),
    );
  if (!m) return undefined;
  const wall = `${m[1]}T${m[2]}`;
  const time = Date.parse(`${wall}Z`);
  // Round-trip check: no runtime may roll 2022-02-30 over into March, or accept hour 25.
  if (Number.isNaN(time) || new Date(time).toISOString().slice(0, 19) !== wall) return undefined;
  const offset = m[4] ? (m[4] === '-' ? -1 : 1) * (Number(m[5]) * 60 + Number(m[6])) * 60_000 : 0;
  return time + Number((m[3] ?? '').padEnd(3, '0')) - offset;
}

export function abortError(): ZenotiAuthError {
  return new ZenotiAuthError('ABORTED', 'Aborted by the caller’s AbortSignal.');
}

/** Lets one caller stop waiting for a shared promise without cancelling the promise itself. */
export function raceAbort<T>(
  promise: Promise<T>,
  signal: AbortSignal | undefined,
  onAbort?: () => void,
): Promise<T> {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    const abort = (): void => {
      onAbort?.();
      reject(abortError());
    };
    if (signal.aborted) return abort();
    signal.addEventListener('abort', abort, { once: true });
    const done = (): void => signal.removeEventListener('abort', abort);
    promise.then(
      (value) => {
        done();
        resolve(value);
      },
      (error: unknown) => {
        done();
        reject(error);
      },
    );
  });
}

/** The longest delay a timer takes: past it, `setTimeout` fires at once (Node) or never. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Resolves after `ms`, or rejects with `ABORTED` (and clears the timer) when the signal fires first.
 * A wait longer than a timer takes (about 24.8 days) is slept in steps of that.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return raceAbort(
    new Promise<void>((resolve) => {
      const step = (left: number): void => {
        timer = setTimeout(
          () => (left > MAX_TIMER_MS ? step(left - MAX_TIMER_MS) : resolve()),
          Math.min(left, MAX_TIMER_MS),
        );
      };
      step(ms);
    }),
    signal,
    () => clearTimeout(timer),
  );
}

/**
 * The longest `Retry-After` believed: Zenoti's rate limit fills up again each minute, so a longer
 * wait (days, from a broken proxy or a hostile answer) would only stall every caller and the budget.
 */
export const MAX_RETRY_AFTER_MS = 3_600_000;

/** Parses `Retry-After` (seconds or an HTTP date) into ms, at most an hour; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  const v = value?.trim();
  if (!v) return undefined;
  const ms = /^\d+(\.\d+)?$/.test(v) ? Math.ceil(Number(v) * 1000) : Date.parse(v) - now;
  return Number.isNaN(ms) ? undefined : Math.min(MAX_RETRY_AFTER_MS, Math.max(0, ms));
}
