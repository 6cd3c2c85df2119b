import { isZenotiAuthError } from '@zenoti-auth/core';

/**
 * A failure as the CLI reports it: a code and a message that hold no secret. The code is core's
 * (`CREDENTIALS_REJECTED`, `RATE_LIMITED`, `INVALID_OPTIONS`…) or one of the CLI's own:
 * `UNEXPECTED_STATUS` (Zenoti answered the read with neither success nor a credential error),
 * `STORE` (Redis could not be read) and `UNEXPECTED` (anything else).
 */
export interface ReportedError {
  code: string;
  message: string;
  /** Zenoti's HTTP status, when it answered. */
  status: number | null;
  /** The variable or option at fault (`INVALID_OPTIONS`), e.g. `ZENOTI_PASSWORD`. */
  field: string | null;
  /** How long Zenoti asked to wait (`RATE_LIMITED`). */
  retryAfterMs: number | null;
  /** Whether the same check may pass later without a change (a timeout, a 5xx, a 429). */
  transient: boolean;
}

type Details = { [K in Exclude<keyof ReportedError, 'code' | 'message'>]?: ReportedError[K] | undefined };

export function reportedError(code: string, message: string, extra: Details = {}): ReportedError {
  return {
    code,
    message,
    status: extra.status ?? null,
    field: extra.field ?? null,
    retryAfterMs: extra.retryAfterMs ?? null,
    transient: extra.transient ?? false,
  };
}

/**
 * The error as it may be shown. Core's errors are safe by contract (no key, password, secret or
 * token in any message); anything else is named by its class only, since its message may quote
 * whatever it was given.
 */
export function safeError(error: unknown): ReportedError {
  if (isZenotiAuthError(error))
    return reportedError(error.code, error.message, {
      status: error.status,
      field: error.field,
      retryAfterMs: error.retryAfterMs,
      transient: error.transient,
    });
  const name = error instanceof Error ? error.name : typeof error;
  return reportedError('UNEXPECTED', `An unexpected error (${name}); its message is not shown.`);
}

/** Shorter ones would blank out ordinary words: only what is long enough to be a secret is searched for. */
const MIN_SECRET_LENGTH = 4;

/**
 * `value` with every string in it (deeply) cleaned of `secrets`: a second line of defence, since
 * no report field is ever filled from a secret in the first place.
 */
export function withoutSecrets<T>(value: T, secrets: readonly (string | undefined)[]): T {
  const known = secrets.filter((s): s is string => typeof s === 'string' && s.length >= MIN_SECRET_LENGTH);
  if (known.length === 0) return value;
  const clean = (item: unknown): unknown => {
    if (typeof item === 'string')
      return known.reduce((text, secret) => text.split(secret).join('[redacted]'), item);
    if (Array.isArray(item)) return item.map(clean);
    if (item !== null && typeof item === 'object')
      return Object.fromEntries(Object.entries(item).map(([key, inner]) => [key, clean(inner)]));
    return item;
  };
  return clean(value) as T;
}
