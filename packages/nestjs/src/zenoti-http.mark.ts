/**
 * The mark on the errors of `ZenotiHttpService`'s calls: `ZenotiAuthExceptionFilter` answers those
 * with Zenoti's status and leaves other axios errors (another `HttpService`, another API) to Nest.
 * A registered symbol, so the ESM and CJS builds and every entry point share it; not enumerable,
 * so it adds nothing to a logged error.
 */
const ZENOTI_HTTP_CALL = Symbol.for('@zenoti-auth/nestjs:ZenotiHttpService');

/** Marks `error` as the failure of a call through `ZenotiHttpService`. */
export function markZenotiHttpError(error: unknown): void {
  if (typeof error === 'object' && error !== null && Object.isExtensible(error))
    Object.defineProperty(error, ZENOTI_HTTP_CALL, { value: true, configurable: true });
}

/** Whether `value` is the failure of a call through `ZenotiHttpService`. */
export function isZenotiHttpError(value: unknown): boolean {
  return typeof value === 'object' && value !== null && ZENOTI_HTTP_CALL in value;
}
