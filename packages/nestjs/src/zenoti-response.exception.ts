import { STATUS_CODES } from 'node:http';
import { HttpException } from '@nestjs/common';
import { isZenotiHttpError } from './zenoti-http.mark.ts';

/** The body of a `ZenotiResponseException` response: Nest's usual `{ statusCode, error, message }`. */
export interface ZenotiResponseErrorBody {
  statusCode: number;
  /** The HTTP reason phrase, e.g. `Not Found`. */
  error: string;
  /** `Zenoti answered <status> <reason>.`: never Zenoti's body, never the request. */
  message: string;
  /** On a 429 with a `Retry-After` in seconds: that wait (also sent as `Retry-After`). */
  retryAfterSeconds?: number;
}

/** What is read of an `AxiosError` from `ZenotiHttpService` (axios is not imported here). */
interface FailedCall {
  response?: { status?: unknown; headers?: unknown } | undefined;
  config?: { method?: unknown; url?: unknown } | undefined;
}

/**
 * The status this app answers when Zenoti answered `zenotiStatus`: a 4xx concerns the client's request
 * (404 no such guest, 403 not allowed, 400/422 invalid, 429 too many), so it is the client's answer
 * too, except 401 and 407, which refused this service's credential, not the client's. Anything else
 * (5xx) is this service's upstream failing: 502.
 */
export function zenotiAnswerStatus(zenotiStatus: number): number {
  const clientError = zenotiStatus >= 400 && zenotiStatus < 500;
  return clientError && zenotiStatus !== 401 && zenotiStatus !== 407 ? zenotiStatus : 502;
}

/** A `Retry-After` of whole seconds, as Zenoti sends it with a 429 (an HTTP date is not passed on). */
function retryAfterSecondsOf(headers: unknown): number | undefined {
  if (typeof headers !== 'object' || headers === null) return undefined;
  const read = (headers as { get?: unknown }).get;
  const value =
    typeof read === 'function'
      ? read.call(headers, 'retry-after')
      : (headers as Record<string, unknown>)['retry-after'];
  return typeof value === 'string' && /^\d+$/.test(value.trim()) ? Math.max(1, Number(value)) : undefined;
}

/** `GET /v1/guests/…` of a call, for a log line: the path only (a query may hold an e-mail or phone). */
function callOf(config: FailedCall['config']): string {
  const method = typeof config?.method === 'string' ? config.method.toUpperCase() : 'a call';
  const url = typeof config?.url === 'string' ? config.url : '';
  let path = '';
  try {
    path = new URL(url, 'http://zenoti.invalid').pathname;
  } catch {}
  return `${method} ${path}`.trim();
}

/**
 * Zenoti's answer to a call made through `ZenotiHttpService`, as the answer of this app: the status
 * from {@link zenotiAnswerStatus}, a fixed message naming Zenoti's status, `Retry-After` on a 429.
 * Neither Zenoti's body nor the request (headers, URL) reaches the client; the `AxiosError` is the
 * `cause` (already redacted by `@zenoti-auth/axios`).
 */
export class ZenotiResponseException extends HttpException {
  /** What Zenoti answered. */
  readonly zenotiStatus: number;
  /** On a 429: the wait Zenoti asked for, whole seconds (also sent as `Retry-After`). */
  readonly retryAfterSeconds: number | undefined;
  /** The call, for logs: `GET /v1/guests/…` (its path, never its query). */
  readonly call: string;

  constructor(
    zenotiStatus: number,
    details: { retryAfterSeconds?: number; call?: string; cause?: unknown } = {},
  ) {
    const status = zenotiAnswerStatus(zenotiStatus);
    const { retryAfterSeconds, call = 'a call', cause } = details;
    const phrase = STATUS_CODES[zenotiStatus];
    const body: ZenotiResponseErrorBody = {
      statusCode: status,
      error: STATUS_CODES[status] ?? 'Error',
      message: `Zenoti answered ${zenotiStatus}${phrase ? ` ${phrase}` : ''}.`,
      ...(status === 429 && retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
    };
    super(body, status, { cause });
    this.name = 'ZenotiResponseException';
    this.zenotiStatus = zenotiStatus;
    this.retryAfterSeconds = body.retryAfterSeconds;
    this.call = call;
  }

  /** The exception for an error of `ZenotiHttpService` that carries Zenoti's answer, else `undefined`. */
  static from(value: unknown): ZenotiResponseException | undefined {
    if (!isZenotiHttpError(value)) return undefined;
    const { response, config } = value as FailedCall;
    if (typeof response?.status !== 'number') return undefined;
    const retryAfterSeconds = retryAfterSecondsOf(response.headers);
    return new ZenotiResponseException(response.status, {
      call: callOf(config),
      cause: value,
      ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
    });
  }
}
