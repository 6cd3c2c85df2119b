import type { ServerResponse } from 'node:http';
import { type ZenotiAuth, ZenotiAuthError, type ZenotiRequestInit } from '@zenoti-auth/core';
import { clientSignal } from './request-signal.ts';
import type { ZenotiRequestContext } from './types.ts';

/** A request without a signed-in user where one is required (`principalFallback: 'refuse'`). */
function signInRequired(): Promise<never> {
  return Promise.reject(new ZenotiAuthError('LOGIN_REQUIRED', 'No signed-in user for this request.'));
}

/** The client's signal, with the caller's own if it gave one: whichever aborts first ends the call. */
function withClient(own: AbortSignal | null | undefined, client: AbortSignal): AbortSignal {
  return own ? AbortSignal.any([own, client]) : client;
}

/**
 * `request.zenoti`: the engine bound to a request's principal and client. A class, so that a
 * request costs one small object (the methods live on the prototype), its signal made only when used.
 */
export class RequestContext implements ZenotiRequestContext {
  readonly auth: ZenotiAuth;
  readonly principal: string | undefined;
  /** No principal and no fallback: every call is refused, nothing is sent. */
  readonly #refused: boolean;
  readonly #res: ServerResponse;
  /** Made on first use: an AbortSignal costs microseconds, which a request served from memory need not pay. */
  #signal: AbortSignal | undefined;

  constructor(auth: ZenotiAuth, principal: string | undefined, refused: boolean, res: ServerResponse) {
    this.auth = auth;
    this.principal = principal;
    this.#refused = refused;
    this.#res = res;
  }

  get signal(): AbortSignal {
    this.#signal ??= clientSignal(this.#res);
    return this.#signal;
  }

  fetch(input: string | URL | Request, init?: ZenotiRequestInit): Promise<Response> {
    if (this.#refused) return signInRequired();
    return this.auth.fetch(input, {
      ...init,
      signal: withClient(init?.signal, this.signal),
      zenoti: { principal: this.principal, ...init?.zenoti },
    });
  }

  authorization(options?: { signal?: AbortSignal | undefined }): Promise<string> {
    if (this.#refused) return signInRequired();
    // Ready now (an API key, the service user's fresh token in memory): nothing to wait for, so no
    // signal to make.
    const ready = options?.signal ? undefined : this.auth.peekAuthorization({ principal: this.principal });
    if (ready !== undefined) return Promise.resolve(ready);
    return this.auth.authorization({
      principal: this.principal,
      signal: withClient(options?.signal, this.signal),
    });
  }
}
