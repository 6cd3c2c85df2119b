import type { ZenotiAuth } from '@zenoti-auth/core';
import { getAdapter, type InternalAxiosRequestConfig } from 'axios';
import { toAxiosError } from './errors.ts';
import type { OriginPolicy } from './origin-policy.ts';
import type { OurCredentials } from './our-credentials.ts';
import { guardRedirects, type RedirectGuards, stripAuthorization } from './redirect.ts';
import { callOf, scopeOf } from './telemetry.ts';

type Config = InternalAxiosRequestConfig;

/** The request's own AbortSignal (axios also takes look-alikes, which core cannot listen to). */
const signalOf = (config: Config): AbortSignal | undefined =>
  config.signal instanceof AbortSignal ? config.signal : undefined;

/**
 * The credential for `config`'s principal, waiting for it if need be (the request's signal aborts the
 * wait); inside the request's call when one is followed (a token grant it causes is part of it).
 */
export function credentialFor(auth: ZenotiAuth, config: Config): Promise<string> {
  const read = () => auth.authorization({ principal: config.zenoti?.principal, signal: signalOf(config) });
  const scope = scopeOf(config);
  return scope ? scope.run(read) : read();
}

/**
 * Holds the request for `config` back until `permit` (of the rate budget) is granted, and only then
 * reads its credential: a refresh while it waited would have killed a token read before. The wait
 * is in its adapter, the last step before the request goes, so the interceptor stays synchronous on
 * the API-key path (axios cannot await an interceptor registered `synchronous`). A refused permit
 * (`RATE_LIMITED`, or `ABORTED` by the request's signal) or credential fails the request, which is
 * never sent.
 */
function afterPermit(
  config: Config,
  permit: Promise<void>,
  credential: (request: Config) => Promise<void>,
  ours: OurCredentials,
): void {
  const adapter = config.adapter; // axios merges it from the instance's defaults
  // Handled now: another interceptor may keep the request from its adapter a while, or for good.
  permit.catch(() => undefined);
  config.adapter = (request) => {
    // Its own adapter back: a retry after a 401 (this config, through the interceptor again) waits
    // for a permit of its own.
    Object.assign(request, { adapter });
    return permit
      .then(() => credential(request))
      .then(
        () => getAdapter(adapter, request)(request),
        (error: unknown) => ours.reject(toAxiosError(error, request), request),
      );
  };
}

/**
 * The request interceptor: sets `Authorization` on requests to allowed origins (unless
 * `zenoti.skip`), and on no other; those requests take a permit of the rate budget first, if there
 * is one (see `afterPermit`). This runs before every request: it does as little as it can.
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
    return config; // the same object, mutated: never a clone (axios advisory for 1.15–1.17)
  };

  /** Reads the credential once the permit is granted; throws why when none can be had. */
  const credentialAfterPermit = async (config: Config): Promise<void> => {
    apply(config, auth.peekAuthorization(config.zenoti) ?? (await credentialFor(auth, config)));
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
      callOf(config, false);
      return config;
    }
    guardRedirects(config, auth, guards);
    // Followed by an instrumentation package that listens: its permit wait, credential and sends.
    const scope = callOf(config);
    // `undefined` (no budget, or a permit left): the request may go at once.
    const permit = auth.permit({ signal: signalOf(config) });
    if (permit) {
      // Any header of ours left on a reused config is replaced once the permit is granted.
      afterPermit(config, scope ? scope.wait(permit) : permit, credentialAfterPermit, ours);
      return config;
    }
    const ready = auth.peekAuthorization(config.zenoti);
    return ready === undefined ? awaitCredential(config) : apply(config, ready);
  };
}
