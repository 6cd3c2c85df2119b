import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** ASP.NET Web API's stock 401 body, as Zenoti's resource endpoints answer. */
export const DENIED_MESSAGE = 'Authorization has been denied for this request.';

/** 401 for a missing, malformed, unknown, expired or revoked credential on a resource endpoint. */
export function denied(c: Context): Response {
  return c.json({ Message: DENIED_MESSAGE }, 401);
}

/** Zenoti's v1 error envelope: `{ error: { code, message } }`. */
export function errorResponse(
  c: Context,
  status: ContentfulStatusCode,
  message: string,
  code: number = status,
): Response {
  return c.json({ error: { code, message } }, status);
}

/** The token endpoint's error envelope: `{ credentials: null, error: { code, message } }`. */
export function tokenError(c: Context, status: ContentfulStatusCode, message: string): Response {
  return c.json({ credentials: null, error: { code: status, message } }, status);
}
