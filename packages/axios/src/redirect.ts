import type { ZenotiAuth } from '@zenoti-auth/core';
import type { AxiosRequestConfig } from 'axios';

type BeforeRedirect = NonNullable<AxiosRequestConfig['beforeRedirect']>;

/** Deletes every `Authorization` header (any spelling but `keep`) from a plain header object. */
export function stripAuthorization(headers: unknown, keep?: string): void {
  if (!headers || typeof headers !== 'object') return;
  for (const name of Object.keys(headers)) {
    if (name.length === 13 && name !== keep && name.toLowerCase() === 'authorization')
      delete (headers as Record<string, unknown>)[name];
  }
}

/** The `beforeRedirect` hooks an interceptor made, by the hook each wraps (`guardRedirects` itself for none) and by themselves. */
export type RedirectGuards = WeakMap<object, BeforeRedirect>;

/**
 * Makes `config.beforeRedirect` (axios on Node, run for every redirect that follow-redirects takes)
 * drop `Authorization` whenever the next hop leaves the origins allowed to receive credentials,
 * then call the hook that was there before. Whatever the axios version, no credential follows a
 * redirect away from Zenoti. One guard per wrapped hook, made once and reused from `guards`.
 */
export function guardRedirects(config: AxiosRequestConfig, auth: ZenotiAuth, guards: RedirectGuards): void {
  const previous = config.beforeRedirect;
  const key = previous ?? guardRedirects;
  let guard = guards.get(key);
  if (guard === undefined) {
    guard = (options, ...details) => {
      let allowed = false;
      try {
        allowed = auth.isAllowedUrl(new URL(String(options.href)));
      } catch {
        // Unreadable target: treat it as foreign.
      }
      if (!allowed) stripAuthorization(options.headers);
      previous?.(options, ...details);
    };
    // A guard met again (the config of a retry) stays as it is.
    guards.set(key, guard).set(guard, guard);
  }
  config.beforeRedirect = guard;
}
