import { safeCause, ZenotiAuthError } from './errors.ts';
import { loginBlocked, readLoginPolicy } from './login-policy.ts';
import type { ResolvedOptions } from './options.ts';
import type { CallKind } from './rate-budget.ts';
import type { RateLimits } from './rate-limits.ts';
import { MAX_TOKEN_RESPONSE_BYTES, readTextWithin } from './read-body.ts';
import { instrumentation, observe, waitFor, type ZenotiScope } from './telemetry.ts';
import { abortError, sleep } from './time.ts';
import { tokenFailure } from './token-failure.ts';
import { isRecord, parseTokenResponse, upstreamError } from './token-response.ts';
import type { TokenSet } from './types.ts';

export type GrantBody =
  | { grant_type: 'password'; user_name: string; password: string }
  | { grant_type: 'refresh_token'; refresh_token: string };

interface Exchange {
  response: Response;
  body: unknown;
  text: string;
}

/** Talks to `POST /v1/tokens` and `DELETE /v1/tokens/sessions/revoke` with timeouts, retries and 429 waits. */
export class TokenClient {
  readonly #o: ResolvedOptions;
  readonly #limits: RateLimits;

  constructor(options: ResolvedOptions, limits: RateLimits) {
    this.#o = options;
    this.#limits = limits;
  }

  /**
   * One HTTP exchange with its own timeout, which the caller's `signal` ends too. Returns, never
   * throws, a ZenotiAuthError.
   */
  async #exchange(
    path: string,
    init: RequestInit,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<Exchange | ZenotiAuthError> {
    const controller = new AbortController();
    const stop = (): void => controller.abort();
    const timer = setTimeout(stop, timeoutMs);
    signal?.addEventListener('abort', stop, { once: true });
    try {
      // 'manual', not 'error': Cloudflare Workers rejects redirect: 'error'. A 3xx is refused by the caller.
      const response = await (this.#o.fetch ?? fetch)(this.#o.baseUrl + path, {
        ...init,
        signal: controller.signal,
        redirect: 'manual',
      });
      const text = await readTextWithin(response, MAX_TOKEN_RESPONSE_BYTES);
      if (text === undefined)
        return new ZenotiAuthError(
          'INVALID_RESPONSE',
          `${path} answered HTTP ${response.status} with a body over ${MAX_TOKEN_RESPONSE_BYTES} bytes (not read).`,
          { status: response.status },
        );
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {}
      return { response, body, text };
    } catch {
      // The cause of a fetch failure is described, never attached: it can hold request details.
      const timedOut = controller.signal.aborted;
      return new ZenotiAuthError(
        timedOut ? 'TIMEOUT' : 'NETWORK',
        timedOut
          ? `Token endpoint: no answer within ${timeoutMs} ms.`
          : 'Token endpoint unreachable (connection failed).',
        { cause: safeCause(timedOut ? 'timeout' : 'network error') },
      );
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', stop);
    }
  }

  /**
   * Sends a grant and returns the new token set. Retries faults with full-jitter backoff inside the
   * deadline; waits out 429s within the rate-limit budget. `kind` is its place in the permit queue;
   * `signal` (an end user's sign-in) ends its waits and its request: once it fires, nothing more of
   * it reaches Zenoti. An instrumentation package that listens follows it as one grant.
   */
  grant(
    grant: GrantBody,
    previousVersion: number,
    deviceId: string,
    kind: CallKind = 'token',
    signal?: AbortSignal,
  ): Promise<TokenSet> {
    const scope = instrumentation()?.grant(grant.grant_type === 'password' ? 'password' : 'refresh');
    const run = () => this.#grant(grant, previousVersion, deviceId, kind, signal, scope);
    return scope ? observe(scope, run) : run();
  }

  async #grant(
    grant: GrantBody,
    previousVersion: number,
    deviceId: string,
    kind: CallKind,
    signal: AbortSignal | undefined,
    scope: ZenotiScope | undefined,
  ): Promise<TokenSet> {
    const { app, retry, now } = this.#o;
    const init: RequestInit = {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({
        account_name: app.accountName,
        app_id: app.appId,
        app_secret: app.appSecret,
        device_id: app.deviceId ?? deviceId,
        ...grant,
      }),
    };
    // The deadline is a wait, so real time; the token's own times (expiry) are on the engine clock.
    const deadline = Date.now() + retry.deadlineMs;
    let faults = 0;
    let limited = 0;
    for (;;) {
      if (deadline <= Date.now())
        throw new ZenotiAuthError('TIMEOUT', `No token within the ${retry.deadlineMs} ms deadline.`);
      await waitFor(this.#limits.permit(kind, signal), scope);
      // The wait for the permit may have used up the deadline.
      const left = deadline - Date.now();
      if (left <= 0)
        throw new ZenotiAuthError('TIMEOUT', `No token within the ${retry.deadlineMs} ms deadline.`);
      const attempt = await this.#exchange('/v1/tokens', init, Math.min(this.#o.timeoutMs, left), signal);
      if (signal?.aborted) throw abortError();
      // An oversized body is no token response, however often it is asked for.
      if (attempt instanceof ZenotiAuthError && attempt.code === 'INVALID_RESPONSE') throw attempt;
      let failure = attempt;
      if (!(attempt instanceof ZenotiAuthError)) {
        const { response, body } = attempt;
        const status = response.status;
        const waitMs = this.#limits.afterResponse(response, limited, deadline);
        if (status === 429) {
          limited++;
          await sleep(waitMs, signal);
          continue;
        }
        // Zenoti may answer 200 with an error object: then it is a failure like any other.
        if (status > 199 && status < 300 && !upstreamError(body).error) {
          const policy = readLoginPolicy(body);
          const blocked = loginBlocked(body, policy, app.accountName);
          if (blocked) throw blocked;
          const set = parseTokenResponse(body, status, now(), response.headers.get('date'), previousVersion);
          if (policy) set.loginPolicy = policy;
          return set;
        }
        failure = tokenFailure(status, body, {
          grantType: grant.grant_type,
          accountName: app.accountName,
          secrets: [app.appSecret, ...Object.values(grant)],
        });
        if (!failure.transient) throw failure;
      }
      if (faults++ >= retry.retries) throw failure;
      const delay = Math.min(retry.maxDelayMs, retry.minDelayMs * 2 ** (faults - 1)) * Math.random();
      if (Date.now() + delay >= deadline) throw failure;
      await sleep(delay, signal);
    }
  }

  /**
   * Revokes the sessions of the token's user at Zenoti. Any 2xx counts as revoked: Zenoti documents
   * no body, and its own example asks for `text/plain`; only a JSON body that reports an error says
   * otherwise. A 401 counts as already revoked.
   */
  async revoke(accessToken: string): Promise<boolean> {
    const attempt = await this.#exchange(
      '/v1/tokens/sessions/revoke',
      {
        method: 'DELETE',
        headers: { accept: 'text/plain, application/json', authorization: `bearer ${accessToken}` },
      },
      this.#o.timeoutMs,
    );
    if (attempt instanceof ZenotiAuthError) throw attempt;
    const { status } = attempt.response;
    if (status === 401) return true; // the token was dead already
    const body = attempt.body;
    const failed =
      status < 200 ||
      status > 299 ||
      (isRecord(body) &&
        ((body.error ?? body.Error) != null || body.success === false || body.Success === false));
    if (failed)
      throw new ZenotiAuthError(
        'TOKEN_ENDPOINT',
        `Revoke answered HTTP ${status}${status < 300 ? ' with an error in its body' : ''}.`,
        { status },
      );
    return true;
  }
}
