import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { ZenotiAuth, ZenotiAuthEvent, ZenotiAuthEventType } from '@zenoti-auth/core';
import type { ZenotiAuthModuleSettings } from './zenoti-auth.interfaces.ts';

const LOGGED: readonly ZenotiAuthEventType[] = ['token', 'invalidated', 'error', 'warning', 'rateLimit'];

const who = (principal: string | undefined): string => (principal === undefined ? 'app' : 'end user');

/** One log line per event; events carry fingerprints only, never a secret. */
function logEvent(logger: Logger, event: ZenotiAuthEvent): void {
  switch (event.type) {
    case 'token':
      logger.log(
        `${event.grant} grant for the ${who(event.principal)}: token ${event.tokenId}, expires ${new Date(event.expiresAt).toISOString()}`,
      );
      break;
    case 'invalidated':
      logger.log(`token ${event.tokenId} of the ${who(event.principal)} dropped (${event.reason})`);
      break;
    case 'error':
      logger.warn(`${event.error.code}: ${event.error.message}`);
      break;
    case 'warning':
      logger.warn(event.message);
      break;
    case 'rateLimit':
      logger[event.retrying || event.retryAfterMs === undefined ? 'log' : 'warn'](
        `rate limit: ${event.remaining ?? '?'} calls left${event.retryAfterMs === undefined ? '' : `, retry after ${event.retryAfterMs} ms`}`,
      );
      break;
  }
}

/**
 * Owns what a configuration of `ZenotiAuthModule` opened: the event listeners it added to the engine
 * (`logEvents`, under the logger context `context`) and, with `revokeOnShutdown`, the app's own token.
 * Nest calls `onApplicationShutdown` on `app.close()` (and on signals after `app.enableShutdownHooks()`).
 */
export function zenotiAuthLifecycle(
  auth: ZenotiAuth,
  settings: ZenotiAuthModuleSettings,
  context: string,
): OnApplicationShutdown {
  const logger = new Logger(context);
  const listener = (event: ZenotiAuthEvent): void => logEvent(logger, event);
  if (settings.logEvents === true) for (const type of LOGGED) auth.on(type, listener);
  let closed = false;
  return {
    async onApplicationShutdown(): Promise<void> {
      if (closed) return;
      closed = true;
      try {
        // Core revokes only a service user's token (an API key or an app alone has none: { revoked: false })
        // and reports a failed revocation as { revoked: false } plus an 'error' event; shutdown goes on.
        if (settings.revokeOnShutdown === true) await auth.revoke();
      } catch {
        // Nothing to revoke (or the store failed): shutting down matters more.
      } finally {
        // Removing a listener that was never added is a no-op.
        for (const type of LOGGED) auth.off(type, listener);
      }
    },
  };
}
