import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ZenotiContext } from './types.ts';

// The adapter's own answers (the proxy's, the sign-in's); a `ZenotiAuthError` becomes one in errors.ts.

/** An `HTTPException` whose response is `{ "error": { "code", "message" } }` as JSON. */
export function httpError(
  status: ContentfulStatusCode,
  code: string,
  message: string,
  headers?: Record<string, string>,
  cause?: unknown,
): HTTPException {
  const res = new Response(JSON.stringify({ error: { code, message } }), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
  return new HTTPException(status, { res, message, cause });
}

/** `c.var.zenoti`, or a clear programming error when `zenotiAuth()` is not mounted before `who`. */
export function zenotiOf(c: Context, who: string): ZenotiContext {
  const zenoti = c.get('zenoti') as ZenotiContext | undefined;
  if (!zenoti) throw new Error(`[@zenoti-auth/hono] ${who} needs zenotiAuth() before it on its route.`);
  return zenoti;
}
