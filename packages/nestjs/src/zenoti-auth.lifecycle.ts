import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { ZenotiAuth, ZenotiAuthEvent } from '@zenoti-auth/core';
import type { ZenotiAuthModuleSettings } from './zenoti-auth.interfaces.ts';
import { logLineOf } from './zenoti-auth.log-lines.ts';
import { EVENT_TYPES, logFilterOf } from './zenoti-auth.log-selection.ts';

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
  // `logEvents` was checked with the engine's options (`checkLogEvents`).
  const filter = logFilterOf(settings.logEvents);
  const listener = (event: ZenotiAuthEvent): void => {
    const { level, message } = logLineOf(event);
    if (filter?.(event.type, level)) logger[level](message);
  };
  // Warnings are written whatever `logEvents` says, by the engine's sink (`withWarningLog`).
  if (filter) for (const type of EVENT_TYPES) if (type !== 'warning') auth.on(type, listener);
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
        for (const type of EVENT_TYPES) auth.off(type, listener);
      }
    },
  };
}
