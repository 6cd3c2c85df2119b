import type { Context } from 'hono';
import { readAuthorizationHeader } from './authorization.ts';
import type { TokenRecord } from './issued-tokens.ts';
import { errorResponse } from './responses.ts';
import type { MockState } from './state.ts';

/** Who is calling, once the `Authorization` header has been accepted. */
export type Principal =
  | { kind: 'apikey'; accountName: string }
  | { kind: 'bearer'; accountName: string; token: string; owner: TokenRecord };

/** The caller behind a live API key or access token, or `undefined` (→ 401). */
export function authenticate(state: MockState, header: string | undefined): Principal | undefined {
  const auth = readAuthorizationHeader(header, state.options.strictScheme);
  if (!auth) return undefined;
  const now = state.now();
  if (auth.scheme === 'apikey') {
    const key = state.directory.liveKey(auth.credential, now);
    return key && { kind: 'apikey', accountName: key.accountName };
  }
  const owner = state.tokens.liveAccess(auth.credential, now);
  return owner && { kind: 'bearer', accountName: owner.accountName, token: auth.credential, owner };
}

/**
 * Counts one call against the organisation's limit (and the path's per-API limit, if any) and puts
 * the rate-limit headers on the answer. Returns the 429 answer when a limit is used up, else `undefined`.
 */
export function chargeRateLimit(c: Context, state: MockState, accountName: string): Response | undefined {
  const decision = state.limiter.take(accountName, c.req.path);
  if (!decision) return undefined;
  for (const [name, value] of Object.entries(decision.headers)) c.header(name, value);
  if (decision.allowed) return undefined;
  return errorResponse(
    c,
    429,
    `Too many requests: the organization's API rate limit is exceeded. Retry after ${decision.headers['Retry-After']} seconds.`,
  );
}
