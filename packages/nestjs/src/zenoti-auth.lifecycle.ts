import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { ZenotiAuth, ZenotiAuthEvent, ZenotiAuthEventType } from '@zenoti-auth/core';
import type { ZenotiAuthModuleSettings } from './zenoti-auth.interfaces.ts';

/** The module settings plus whether the engine has a service user (a token of its own to revoke). */
export interface LifecycleSettings extends ZenotiAuthModuleSettings {
  hasServiceUser: boolean;
}

const LOGGED: readonly ZenotiAuthEventType[] = ['token', 'invalidated', 'error', 'warning', 'rateLimit'];

/** One log line per event; events carry fingerprints only, never a secret. */
function describeEvent(event: ZenotiAuthEvent): { level: 'log' | 'warn'; message: string } {
  const who = (principal: string | undefined): string => (principal === undefined ? 'app' : 'end user');
  switch (event.type) {
    case 'token':
      return {
        level: 'log',
        message: `${event.grant} grant for the ${who(event.principal)}: token ${event.tokenId}, expires ${new Date(event.expiresAt).toISOString()}`,
      };
    case 'invalidated':
      return {
        level: 'log',
        message: `token ${event.tokenId} of the ${who(event.principal)} dropped (${event.reason})`,
      };
    case 'error':
      return { level: 'warn', message: `${event.error.code}: ${event.error.message}` };
    case 'warning':
      return { level: 'warn', message: event.message };
    case 'rateLimit':
      return {
        level: event.retrying || event.retryAfterMs === undefined ? 'log' : 'warn',
        message: `rate limit: ${event.remaining ?? '?'} calls left${event.retryAfterMs === undefined ? '' : `, retry after ${event.retryAfterMs} ms`}`,
      };
  }
}

/**
 * Owns what a configuration of `ZenotiAuthModule` opened: the event listeners it added to the engine
 * (`logEvents`) and, with `revokeOnShutdown`, the app's own token. Nest calls `onApplicationShutdown`
 * on `app.close()` (and on signals after `app.enableShutdownHooks()`).
 */
export class ZenotiAuthLifecycle implements OnApplicationShutdown {
  readonly #auth: ZenotiAuth;
  readonly #settings: LifecycleSettings;
  readonly #listener: ((event: ZenotiAuthEvent) => void) | undefined;
  #closed = false;

  constructor(auth: ZenotiAuth, settings: LifecycleSettings, context: string) {
    this.#auth = auth;
    this.#settings = settings;
    if (settings.logEvents === true) {
      const logger = new Logger(context);
      this.#listener = (event) => {
        const { level, message } = describeEvent(event);
        logger[level](message);
      };
      for (const type of LOGGED) auth.on(type, this.#listener);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      if (this.#settings.revokeOnShutdown === true && this.#settings.hasServiceUser) {
        // Core reports a failed revocation as { revoked: false } plus an 'error' event; shutdown goes on.
        await this.#auth.revoke();
      }
    } catch {
      // Nothing to revoke (or the store failed): shutting down matters more.
    } finally {
      if (this.#listener) for (const type of LOGGED) this.#auth.off(type, this.#listener);
    }
  }
}
