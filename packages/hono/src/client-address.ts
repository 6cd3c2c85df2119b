import { onCloudflareWorkers } from '@zenoti-auth/core';
import type { Context } from 'hono';

/** The client address by default: never from `X-Forwarded-For` or any other header a client can set. */
export function defaultClientAddress(c: Context): string | undefined {
  // On Cloudflare, CF-Connecting-IP is set by Cloudflare itself; a client cannot forge it there.
  if (onCloudflareWorkers()) return c.req.header('cf-connecting-ip');
  // @hono/node-server puts the request's IncomingMessage, and so its socket, on c.env.incoming.
  return (
    (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming?.socket
      ?.remoteAddress || undefined
  );
}
