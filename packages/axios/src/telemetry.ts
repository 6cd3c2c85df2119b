import { callInfo, instrumentation, type ZenotiCallScope } from '@zenoti-auth/core';
import { type AxiosAdapter, type AxiosRequestConfig, getAdapter } from 'axios';
import { deciding } from './url.ts';

/** What an adapter made here sends for: the call, and the adapter it sends with. */
interface Sender {
  scope: ZenotiCallScope;
  adapter: NonNullable<AxiosRequestConfig['adapter']>;
}

const senders = new WeakMap<object, Sender>();

const senderOf = (config: AxiosRequestConfig | undefined): Sender | undefined => {
  const adapter = config?.adapter;
  return typeof adapter === 'function' ? senders.get(adapter) : undefined;
};

/** The URL axios sends `config` to: `baseURL` and `url` joined as axios' `combineURLs` does. */
function urlOf(config: AxiosRequestConfig): string {
  const url = config.url ?? '';
  const base = deciding(config);
  if (base === undefined) return url;
  return url ? `${base.replace(/\/?\/$/, '')}/${url.replace(/^\/+/, '')}` : base;
}

/**
 * The call that the request of `config` is part of, for an instrumentation package that listens
 * (core's `instrument()`) and records it, else `undefined`: a new call, or for the interceptor's
 * retry after a 401 the call it retries. The request's adapter becomes one that sends inside the
 * call (`scope.send`), by which the call is found again: the retry's config is a copy that axios
 * merges, adapter included. `follow: false` (a request the interceptor leaves alone): no call, and a
 * config used again gets its own adapter back.
 */
export function callOf(config: AxiosRequestConfig, follow = true): ZenotiCallScope | undefined {
  const known = senderOf(config);
  if (known) {
    if (follow && config.zenoti?.retried === true) return known.scope;
    config.adapter = known.adapter;
  }
  const scope = follow ? instrumentation()?.call(callInfo(config.method ?? 'get', urlOf(config))) : undefined;
  if (!scope) return undefined;
  // axios merged the instance's default adapter into the config: there is one.
  const adapter = config.adapter as Sender['adapter'];
  const send: AxiosAdapter = (request) => scope.send(getAdapter(adapter, request), request);
  senders.set(send, { scope, adapter });
  config.adapter = send;
  return scope;
}

/** The call a request (its config) was sent for, if one is followed. */
export const scopeOf = (config: AxiosRequestConfig | undefined): ZenotiCallScope | undefined =>
  senderOf(config)?.scope;
