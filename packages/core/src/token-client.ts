import { safeCause, ZenotiAuthError } from './errors.ts';
import type { Emitter } from './events.ts';
import type { ResolvedOptions } from './options.ts';
import { rateLimitEvent } from './rate-limit.ts';
import { parseRetryAfter, sleep } from './time.ts';
import { parseTokenResponse, zenotiErrorMessage, zenotiErrorOf } from './token-response.ts';
import type { TokenSet } from './types.ts';

export type GrantBody =
  | { grant_type: 'password'; user_name: string; password: string }
  | { grant_type: 'refresh_token'; refresh_token: string };

interface Attempt {
  response?: Response;
  body?: unknown;
  text?: string;
  error?: ZenotiAuthError;
}

const RETRYABLE_STATUS = new Set([500, 502, 503, 504]);

/** Talks to `POST /v1/tokens` and `DELETE /v1/tokens/sessions/revoke` with timeouts, retries and 429 waits. */
export class TokenClient {
  readonly #options: ResolvedOptions;
  readonly #events: Emitter;

  constructor(options: ResolvedOptions, events: Emitter) {
    this.#options = options;
    this.#events = events;
  }

  #fetch(): typeof fetch {
    return this.#options.fetch ?? globalThis.fetch;
  }

  /** One HTTP exchange with its own timeout. Never throws anything but ZenotiAuthError. */
  async #exchange(url: string, init: RequestInit, timeoutMs: number): Promise<Attempt> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    try {
      // 'manual', not 'error': Cloudflare Workers rejects redirect: 'error'. A 3xx is refused below.
      const response = await this.#fetch()(url, { ...init, signal: controller.signal, redirect: 'manual' });
      const text = await response.text();
      let body: unknown;
      try {
        body = text === '' ? undefined : JSON.parse(text);
      } catch {
        body = undefined;
      }
      return { response, body, text };
    } catch {
      // The cause of a fetch failure is described, never attached: it can hold request details.
      if (controller.signal.aborted) {
        return {
          error: new ZenotiAuthError('TIMEOUT', `The token endpoint did not answer within ${timeoutMs} ms.`, {
            cause: safeCause('timeout'),
          }),
        };
      }
      return {
        error: new ZenotiAuthError(
          'NETWORK',
          'Could not reach the Zenoti token endpoint (connection failed).',
          {
            cause: safeCause('network error'),
          },
        ),
      };
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Sends a grant and returns the new token set. Retries faults with full-jitter backoff inside the
   * deadline; waits out 429s within the rate-limit budget.
   */
  async grant(grant: GrantBody, previousVersion: number): Promise<TokenSet> {
    const { app, retry, rateLimit, now } = this.#options;
    const body = JSON.stringify({
      account_name: app.accountName,
      app_id: app.appId,
      app_secret: app.appSecret,
      device_id: app.deviceId,
      ...grant,
    });
    const init: RequestInit = {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body,
    };
    const url = `${this.#options.baseUrl}/v1/tokens`;
    const deadline = now() + retry.deadlineMs;
    let faults = 0;
    let limited = 0;
    for (;;) {
      const remaining = deadline - now();
      if (remaining <= 0) {
        throw new ZenotiAuthError('TIMEOUT', `No token within the ${retry.deadlineMs} ms deadline.`);
      }
      const attempt = await this.#exchange(url, init, Math.min(this.#options.timeoutMs, remaining));
      const response = attempt.response;
      let failure: ZenotiAuthError;
      if (response) {
        const status = response.status;
        const upstreamError = zenotiErrorOf(attempt.body);
        if (status === 429) {
          const waitMs = parseRetryAfter(response.headers.get('retry-after'), now()) ?? 1_000;
          const retrying =
            rateLimit !== false &&
            limited < rateLimit.maxRetries &&
            waitMs <= rateLimit.maxWaitMs &&
            now() + waitMs < deadline;
          this.#events.emit(rateLimitEvent(response, waitMs, retrying));
          if (!retrying) {
            throw new ZenotiAuthError(
              'RATE_LIMITED',
              `Zenoti rate limit reached; retry after ${Math.ceil(waitMs / 1000)} s.`,
              {
                status,
                retryAfterMs: waitMs,
              },
            );
          }
          limited++;
          await sleep(waitMs);
          continue;
        }
        if (response.headers.has('ratelimit-remaining'))
          this.#events.emit(rateLimitEvent(response, undefined, false));
        if (status >= 200 && status < 300 && !upstreamError) {
          if (attempt.body === undefined) {
            throw new ZenotiAuthError(
              'INVALID_RESPONSE',
              'The token endpoint sent a body that is not JSON.',
              {
                status,
                cause: safeCause('non-JSON body'),
              },
            );
          }
          return parseTokenResponse(attempt.body, {
            status,
            receivedAt: now(),
            serverDate: response.headers.get('date'),
            previousVersion,
          });
        }
        const code = upstreamError?.code ?? upstreamError?.StatusCode;
        const effective = status >= 200 && status < 300 ? (typeof code === 'number' ? code : 400) : status;
        const detail = zenotiErrorMessage(attempt.body, [app.appSecret, ...Object.values(grant)]);
        const suffix = detail ? ` Zenoti said: "${detail}"` : '';
        if (effective === 401) {
          throw new ZenotiAuthError(
            'CREDENTIALS_REJECTED',
            grant.grant_type === 'password'
              ? `Zenoti rejected the user credentials for account "${app.accountName}".${suffix}`
              : `Zenoti rejected the refresh token.${suffix}`,
            { status },
          );
        }
        failure = new ZenotiAuthError(
          'TOKEN_ENDPOINT',
          status >= 300 && status < 400
            ? `The token endpoint answered with a redirect (HTTP ${status}); credentials are never sent on.`
            : `The token endpoint answered HTTP ${status}.${suffix}`,
          { status },
        );
        if (!RETRYABLE_STATUS.has(effective)) throw failure;
      } else {
        failure = attempt.error as ZenotiAuthError;
      }
      if (faults >= retry.retries) throw failure;
      faults++;
      const delay = Math.min(retry.maxDelayMs, retry.minDelayMs * 2 ** (faults - 1)) * Math.random();
      if (now() + delay >= deadline) throw failure;
      await sleep(delay);
    }
  }

  /** Revokes the sessions of the token's user at Zenoti. 401 counts as already revoked. */
  async revoke(accessToken: string): Promise<boolean> {
    const attempt = await this.#exchange(
      `${this.#options.baseUrl}/v1/tokens/sessions/revoke`,
      { method: 'DELETE', headers: { accept: 'application/json', authorization: `bearer ${accessToken}` } },
      this.#options.timeoutMs,
    );
    if (attempt.error) throw attempt.error;
    const status = attempt.response?.status ?? 0;
    if (status === 401) return true; // the token was dead already
    if (status < 200 || status >= 300) {
      throw new ZenotiAuthError('TOKEN_ENDPOINT', `Revoking the token failed with HTTP ${status}.`, {
        status,
      });
    }
    // Zenoti documents no revoke body: accept an empty one or a JSON object reporting no error, and
    // nothing else — an HTML page or a broken body is no proof that the session ended.
    const text = attempt.text?.trim() ?? '';
    if (text === '') return true;
    const body = attempt.body as Record<string, unknown> | undefined;
    const confirmed =
      typeof body === 'object' &&
      body !== null &&
      !Array.isArray(body) &&
      (body.error ?? body.Error ?? null) === null &&
      body.success !== false &&
      body.Success !== false &&
      (body.success === undefined || typeof body.success === 'boolean');
    if (confirmed) return true;
    throw new ZenotiAuthError(
      'INVALID_RESPONSE',
      `The revoke endpoint answered HTTP ${status} with an unreadable body.`,
      {
        status,
      },
    );
  }
}
