import type { ZenotiAuth } from '@zenoti-auth/core';
import type { InternalAxiosRequestConfig } from 'axios';
import { toAxiosError } from './errors.ts';
import type { OriginPolicy } from './origin-policy.ts';
import type { OurCredentials } from './our-credentials.ts';
import { guardRedirects, type RedirectGuards, stripAuthorization } from './redirect.ts';

type Config = InternalAxiosRequestConfig;

/** The credential for `config`'s principal, waiting for it if need be (the request's signal aborts the wait). */
export function credentialFor(auth: ZenotiAuth, config: Config): Promise<string> {
  return auth.authorization({
    principal: config.zenoti?.principal,
    signal: config.signal instanceof AbortSignal ? config.signal : undefined,
  });
}

/**
 * The request interceptor: sets `Authorization` on requests to allowed origins (unless
 * `zenoti.skip`), and on no other. This runs before every request: it does as little as it can.
 */
export function authorizeRequests(
  auth: ZenotiAuth,
  origins: OriginPolicy,
  ours: OurCredentials,
): (config: Config) => Config | Promise<Config> {
  const guards: RedirectGuards = new WeakMap();

  const apply = (config: Config, header: string): Config => {
    // Cheaper than `set()`, which normalises and validates the name and scans every header with it.
    // Another spelling (a caller's `authorization`) goes first: axios would merge the two into the
    // first slot with the last one's value, which could be the caller's.
    stripAuthorization(config.headers, 'Authorization');
    config.headers.Authorization = header;
    ours.remember(header);
    guardRedirects(config, auth, guards);
    return config; // the same object, mutated: never a clone (axios advisory for 1.15–1.17)
  };

  /** Waits for the credential; when none can be had, the request is not sent and fails with why. */
  const awaitCredential = async (config: Config): Promise<Config> => {
    let header: string;
    try {
      header = await credentialFor(auth, config);
    } catch (error) {
      return ours.reject(toAxiosError(error, config), config);
    }
    return apply(config, header);
  };

  // Not async: when the credential is ready (API key, cached token), the config goes back at once.
  return (config) => {
    if (!origins.allows(config) || config.zenoti?.skip === true) {
      // Never ours to another origin (a reused config may still carry it, or its fingerprint, which
      // could not even be sent); the caller's own header stays.
      if (ours.isOurs(config.headers.get('authorization'))) config.headers.delete('authorization');
      return config;
    }
    const ready = auth.peekAuthorization(config.zenoti);
    return ready === undefined ? awaitCredential(config) : apply(config, ready);
  };
}
