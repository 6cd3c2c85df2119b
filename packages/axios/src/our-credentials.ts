import { redactAuthorization } from '@zenoti-auth/core';
import { type AxiosResponse, type InternalAxiosRequestConfig, isAxiosError } from 'axios';
import type { OriginPolicy } from './origin-policy.ts';
import { detachResponse, redactError } from './redaction.ts';
import { scopeOf } from './telemetry.ts';

/**
 * The credentials an interceptor sent, and the one way out of it: every response and error it
 * hands on shows them only as fingerprints (`bearer …ab68`) and leads to no live request, socket or
 * agent (the mechanics are in `redaction.ts`). A caller's own `Authorization` to another origin is
 * theirs: it is neither removed nor redacted.
 */
export interface OurCredentials {
  /** Notes a header value just written on a request (the newest 64 are kept, to strip them from foreign requests). */
  remember(header: string): void;
  /** Whether a header value is ours: one we sent, or a fingerprint (a response's config used again). */
  isOurs(value: unknown): boolean;
  /**
   * The credential a request went out with: the one the request interceptor wrote, read back from
   * the config (a table of configs would cost every request a weak-map entry and the GC its upkeep).
   * A request it left alone (another origin, `zenoti.skip`) has none of ours: `undefined`.
   */
  sentWith(config: InternalAxiosRequestConfig): string | undefined;
  /**
   * Throws `error`, made safe first when it is an AxiosError: every `Authorization` in it that was
   * sent to an allowed origin and ours anywhere, and the credential `config` went out with even
   * where the error no longer shows it. Anything else is thrown as it is.
   */
  reject(error: unknown, config?: InternalAxiosRequestConfig): never;
  /**
   * Hands on a response: `header`, the credential its request was sent with (`undefined` when not
   * ours), becomes a fingerprint in its config (the config may be logged, or become part of an error
   * a later interceptor makes) and the response is detached (`detachResponse`).
   */
  passOn(response: AxiosResponse, header: string | undefined): AxiosResponse;
}

export function ourCredentials(origins: OriginPolicy): OurCredentials {
  /** The header values sent lately, each with its fingerprint; oldest first. */
  const recent = new Map<string, string>();
  const fingerprint = (header: string): string => recent.get(header) ?? redactAuthorization(header);
  const sentWith = (config: InternalAxiosRequestConfig): string | undefined => {
    if (config.zenoti?.skip === true || !origins.allows(config)) return undefined;
    const value = config.headers?.Authorization;
    return typeof value === 'string' ? value : undefined;
  };
  return {
    remember(header) {
      if (recent.has(header)) return;
      recent.set(header, redactAuthorization(header));
      if (recent.size > 64) recent.delete(recent.keys().next().value as string);
    },
    // `…` is never in a real credential (tokens and keys are ASCII): a value holding it is a fingerprint.
    isOurs: (value) => typeof value === 'string' && (recent.has(value) || value.includes('…')),
    sentWith,
    reject(error, config) {
      if (!isAxiosError(error)) throw error;
      // The way out ends the request's call, if one is followed (`telemetry.ts`): a retry's own
      // way out ends it first, with the retry's answer; a later end does nothing.
      scopeOf(config ?? error.config)?.end(error, error.response?.status);
      const header = config && sentWith(config);
      // Redacted: every value sent to an allowed origin, and ours anywhere.
      const redactable = (value: string): boolean =>
        recent.has(value) || (config !== undefined && origins.allows(config));
      throw redactError(error, redactable, header ? [header] : []);
    },
    passOn(response, header) {
      scopeOf(response.config)?.end(undefined, response.status);
      const headers = response.config?.headers;
      if (header !== undefined && headers?.Authorization === header)
        headers.Authorization = fingerprint(header);
      return detachResponse(response, (value) => (value === header ? fingerprint(value) : undefined));
    },
  };
}
