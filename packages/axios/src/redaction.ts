import { redactAuthorization } from '@zenoti-auth/core';
import { type AxiosError, type AxiosResponse, isAxiosError } from 'axios';
import { bag, detachRequest, type Fingerprint, hide } from './sent-request.ts';
import { isStream } from './streams.ts';

/**
 * Hides what in a config leads to live sockets: `httpAgent` / `httpsAgent` (and a fetch
 * `dispatcher`) hold the connections that carry other requests now, with their `Authorization`.
 * They stay readable (`config.httpAgent`) but out of `util.inspect`, `JSON.stringify` and
 * `toJSON`. A request made again from this config uses the instance's agents: axios copies only
 * enumerable options.
 */
function hideAgents(config: unknown): void {
  const options = bag(config);
  hide(options, 'httpAgent');
  hide(options, 'httpsAgent');
  hide(bag(options?.fetchOptions), 'dispatcher');
}

/**
 * Makes a response that leaves our interceptor lead to nothing live: its `request` becomes a
 * detached `SentRequest`, the config's agents are hidden, and stream `data` (the live response)
 * stays readable behind an accessor that `util.inspect` does not open. The response object is kept.
 */
export function detachResponse<R extends AxiosResponse | undefined>(
  response: R,
  fingerprint: Fingerprint,
): R {
  if (response) {
    response.request = detachRequest(response.request, fingerprint);
    hideAgents(response.config);
    if (isStream(response.data)) hide(response as never, 'data', true);
  }
  return response;
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
 * Makes an error safe to hand on, whatever happens later to the connection it came from: each
 * redactable `Authorization` value in `error.config` / `error.response.config` becomes a fingerprint
 * (`bearer …ab68`), and the error keeps no live object: `request` and `response.request` become
 * detached `SentRequest` copies (with the same fingerprints), agents and stream data are hidden
 * (see `detachResponse`). An `AxiosError` as `cause` gets the same treatment. `known` adds values to
 * redact even where the config no longer shows them (the header this interceptor sent).
 */
export function redactError<E extends AxiosError>(
  error: E,
  redactable: (value: string) => boolean,
  known: readonly string[] = [],
): E {
  const secrets = new Set(known);
  const fingerprint: Fingerprint = (value) => (secrets.has(value) ? redactAuthorization(value) : undefined);
  const seen = new Set<unknown>();
  for (let each: unknown = error; isAxiosError(each) && !seen.has(each); each = each.cause) {
    seen.add(each);
    redactHeaders(each.config?.headers, redactable, secrets);
    redactHeaders(each.response?.config?.headers, redactable, secrets);
    if (each.request) each.request = detachRequest(each.request, fingerprint);
    hideAgents(each.config);
    detachResponse(each.response, fingerprint);
  }
  return error;
}
