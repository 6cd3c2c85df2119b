import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { ZenotiAuth, ZenotiAuthEvent, ZenotiAuthEventOf, ZenotiAuthEventType } from '@zenoti-auth/core';
import type { ZenotiAuthModuleSettings } from './zenoti-auth.interfaces.ts';

const LOGGED: readonly ZenotiAuthEventType[] = ['token', 'invalidated', 'error', 'warning', 'rateLimit'];

const who = (principal: string | undefined): string => (principal === undefined ? 'app' : 'end user');

/**
 * A rate-limit event: a 429 (Zenoti refused a call) at LOG while the engine waits it out, at WARN
 * when the call fails with it; anything else at DEBUG, since it comes with every call while Zenoti
 * reports its budget or a rate budget paces the calls.
 */
function logRateLimit(logger: Logger, event: ZenotiAuthEventOf<'rateLimit'>): void {
  const { retryAfterMs, waitedMs } = event;
  if (retryAfterMs !== undefined)
    logger[event.retrying ? 'log' : 'warn'](
      `rate limit: Zenoti answered 429, retry after ${retryAfterMs} ms${event.retrying ? ' (waiting)' : ''}`,
    );
  else if (waitedMs !== undefined)
    logger.debug(`rate limit: waited ${waitedMs} ms for a permit, ${event.queued ?? 0} calls still waiting`);
  else
    logger.debug(
      `rate limit: ${event.remaining ?? '?'} calls left${event.resetSeconds === undefined ? '' : `, window resets in ${event.resetSeconds} s`}`,
    );
}

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
      logRateLimit(logger, event);
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
