import { invalidOption } from '../errors.ts';

/**
 * Each client's share of the proxy (`fairShare` of the proxy's options). Calls to Zenoti wait for their
 * permits first come, first served (with a rate budget), so one client's burst would make every
 * other client wait behind all of it: each client may therefore have only so many requests waiting
 * or in flight at once, and the others are refused before anything is sent.
 */
export interface ZenotiProxyFairShare {
  /** Requests of one client (a signed-in principal, else a client address) waiting or in flight at once; beyond, 429. @default 8 */
  perClient?: number | undefined;
  /** Clients with requests in flight at once; a new client beyond them gets 429 (a live client is never forgotten). @default 10000 */
  maxClients?: number | undefined;
}

/** Takes a slot for one request of `client`: a function that gives it back, or `undefined` when none is free. */
export type EnterShare = (client: string) => (() => void) | undefined;

/**
 * Counts each client's requests in flight. A client is remembered only while it has one, so the
 * map holds live clients only, `maxClients` at most: none is ever dropped to make room.
 */
export function fairShare(
  options: ZenotiProxyFairShare | false | undefined,
  by: string,
): EnterShare | undefined {
  if (options === false) return undefined;
  if (options !== undefined && (typeof options !== 'object' || options === null))
    throw invalidOption(by, 'fairShare', 'must be an object or false');
  const { perClient = 8, maxClients = 10_000 } = options ?? {};
  for (const [name, value] of Object.entries({ perClient, maxClients })) {
    if (!Number.isSafeInteger(value) || value < 1)
      throw invalidOption(by, `fairShare.${name}`, 'must be a positive integer');
  }
  const inFlight = new Map<string, number>();

  return (client) => {
    const count = inFlight.get(client) ?? 0;
    if (count >= perClient || (count === 0 && inFlight.size >= maxClients)) return undefined;
    inFlight.set(client, count + 1);
    let given = false;
    return () => {
      if (given) return;
      given = true;
      const left = (inFlight.get(client) as number) - 1;
      if (left > 0) inFlight.set(client, left);
      else inFlight.delete(client);
    };
  };
}
