import type { ZenotiAuth } from '@zenoti-auth/core';
import type { AxiosRequestConfig } from 'axios';

type BeforeRedirect = NonNullable<AxiosRequestConfig['beforeRedirect']>;

/** Deletes every `Authorization` header (any spelling) from a plain header object. */
export function stripAuthorization(headers: unknown): void {
  if (!headers || typeof headers !== 'object') return;
  for (const name of Object.keys(headers)) {
    if (name.toLowerCase() === 'authorization') delete (headers as Record<string, unknown>)[name];
  }
}

/**
 * Makes `config.beforeRedirect` (axios on Node, run for every redirect that follow-redirects takes)
 * drop `Authorization` whenever the next hop leaves the origins allowed to receive credentials,
 * then call the hook that was there before. Whatever the axios version, no credential follows a
 * redirect away from Zenoti.
 */
export function guardRedirects(config: AxiosRequestConfig, auth: ZenotiAuth, ours: WeakSet<object>): void {
  const previous = config.beforeRedirect;
  if (previous && ours.has(previous)) return;
  const guard: BeforeRedirect = (options, ...details) => {
    let allowed = false;
    try {
      allowed = auth.isAllowedUrl(new URL(String(options.href)));
    } catch {
      // Unreadable target: treat it as foreign.
    }
    if (!allowed) stripAuthorization(options.headers);
    previous?.(options, ...details);
  };
  ours.add(guard);
  config.beforeRedirect = guard;
}
