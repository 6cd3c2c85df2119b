import { redactAuthorization } from '@zenoti-auth/core';
import type { AxiosError } from 'axios';

type Bag = Record<PropertyKey, unknown>;

const bag = (value: unknown): Bag | undefined =>
  value && typeof value === 'object' ? (value as Bag) : undefined;

function replace(text: string, secrets: ReadonlySet<string>): string {
  for (const secret of secrets) text = text.split(secret).join(redactAuthorization(secret));
  return text;
}

/** Replaces, in a header object, each `Authorization` value that `redactable` accepts; collects it. */
function redactHeaders(headers: unknown, redactable: (value: string) => boolean, secrets: Set<string>): void {
  const record = bag(headers);
  if (!record) return;
  for (const name of Object.keys(record)) {
    const value = record[name];
    // A value holding `…` is a fingerprint already (tokens and keys are ASCII): never redact twice.
    if (
      name.toLowerCase() === 'authorization' &&
      typeof value === 'string' &&
      !value.includes('…') &&
      redactable(value)
    ) {
      secrets.add(value);
      record[name] = redactAuthorization(value);
    }
  }
}

/**
 * Scrubs the secrets from what a Node request keeps of its headers: follow-redirects' request
 * (`_options.headers`, `_currentRequest`), the ClientRequest (`_header`, the outgoing-header map,
 * unsent `outputData`), and a destroyed socket's unsent data. Live sockets are never touched.
 */
function scrubRequest(request: unknown, secrets: Set<string>, seen: Set<object>): void {
  const req = bag(request);
  if (!req || seen.has(req)) return;
  seen.add(req);
  const text = (owner: Bag | undefined, key: PropertyKey): void => {
    if (typeof owner?.[key] === 'string') owner[key] = replace(owner[key], secrets);
  };
  redactHeaders(bag(req._options)?.headers, (value) => secrets.has(value), secrets);
  text(req, '_header');
  if (Array.isArray(req.outputData)) for (const chunk of req.outputData) text(bag(chunk), 'data');
  for (const symbol of Object.getOwnPropertySymbols(req)) {
    if (symbol.description !== 'kOutHeaders') continue;
    // Node keeps each outgoing header as [name, value].
    for (const entry of Object.values(bag(req[symbol]) ?? {})) text(bag(entry), 1);
  }
  const socket = bag(req.socket);
  if (socket?.destroyed === true) text(socket, '_pendingData');
  if (typeof req._header === 'string') {
    // A pooled socket and its agent may already carry another request: keep them, but out of sight.
    for (const key of ['socket', 'agent']) {
      if (key in req)
        Object.defineProperty(req, key, {
          value: req[key],
          enumerable: false,
          writable: true,
          configurable: true,
        });
    }
  }
  scrubRequest(req._currentRequest, secrets, seen);
  scrubRequest(req._redirectable, secrets, seen);
  const headers = bag(req.headers) as Partial<Headers> | undefined;
  if (typeof headers?.get === 'function' && typeof headers.set === 'function') {
    // A fetch Request (axios' fetch adapter). Its headers take Latin-1 only: `...` for `…`.
    const value = headers.get('authorization');
    if (value !== null && secrets.has(value)) {
      headers.set('authorization', redactAuthorization(value).replace('…', '...'));
    }
  }
}

/**
 * Removes credentials from an error before the caller sees it: each redactable `Authorization`
 * value in `error.config` / `error.response.config` becomes a fingerprint (`bearer …ab68`), and
 * the request objects the error holds are scrubbed of it. `known` adds values to remove even where
 * the config no longer shows them (the header this interceptor sent).
 */
export function redactError<E extends AxiosError>(
  error: E,
  redactable: (value: string) => boolean,
  known: readonly string[] = [],
): E {
  const secrets = new Set(known);
  redactHeaders(error.config?.headers, redactable, secrets);
  redactHeaders(error.response?.config?.headers, redactable, secrets);
  if (secrets.size > 0) {
    const seen = new Set<object>();
    scrubRequest(error.request, secrets, seen);
    scrubRequest(error.response?.request, secrets, seen);
  }
  return error;
}
