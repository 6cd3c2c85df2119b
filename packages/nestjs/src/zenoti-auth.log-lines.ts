import type { LogLevel } from '@nestjs/common';
import type { ZenotiAuthEvent, ZenotiAuthEventOf } from '@zenoti-auth/core';

/** One log line for an event: Nest's level and the text. Events carry fingerprints only, never a secret. */
export interface LogLine {
  level: Extract<LogLevel, 'log' | 'warn' | 'debug'>;
  message: string;
}

const who = (principal: string | undefined): string => (principal === undefined ? 'app' : 'end user');

/**
 * A rate-limit event: a 429 (Zenoti refused a call) at LOG while the engine waits it out, at WARN
 * when the call fails with it; anything else at DEBUG, since it comes with every call while Zenoti
 * reports its budget or a rate budget paces the calls.
 */
function rateLimitLine(event: ZenotiAuthEventOf<'rateLimit'>): LogLine {
  const { retryAfterMs, waitedMs } = event;
  if (retryAfterMs !== undefined)
    return {
      level: event.retrying ? 'log' : 'warn',
      message: `rate limit: Zenoti answered 429, retry after ${retryAfterMs} ms${event.retrying ? ' (waiting)' : ''}`,
    };
  if (waitedMs !== undefined)
    return {
      level: 'debug',
      message: `rate limit: waited ${waitedMs} ms for a permit, ${event.queued ?? 0} calls still waiting`,
    };
  const reset = event.resetSeconds === undefined ? '' : `, window resets in ${event.resetSeconds} s`;
  return { level: 'debug', message: `rate limit: ${event.remaining ?? '?'} calls left${reset}` };
}

/**
 * The line `logEvents` writes for an event. Levels: a token obtained or dropped at LOG; an `error`
 * event at WARN (the engine may still serve the previous token; a failed call reaches its caller as
 * the error itself), a `warning` and a password about to expire at WARN (a warning that a trouble is
 * over at LOG); rate limits as above.
 */
export function logLineOf(event: ZenotiAuthEvent): LogLine {
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
      // A trouble that is over (a store answers again) is news, not a warning.
      return { level: event.level === 'info' ? 'log' : 'warn', message: event.message };
    case 'passwordExpiring':
      return {
        level: 'warn',
        message: `Zenoti reminds that the password of the ${who(event.principal)} (token ${event.tokenId}) expires soon: change it before the sign-in is refused`,
      };
    case 'rateLimit':
      return rateLimitLine(event);
  }
}
