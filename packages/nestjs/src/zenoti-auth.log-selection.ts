import type { LogLevel } from '@nestjs/common';
import { invalidOption, type ZenotiAuthEventType } from '@zenoti-auth/core';

/** Every event type of core, each with a line of its own (a new type in core fails the typecheck here). */
export const EVENT_TYPES = Object.keys({
  token: true,
  invalidated: true,
  error: true,
  warning: true,
  passwordExpiring: true,
  rateLimit: true,
} satisfies Record<ZenotiAuthEventType, true>) as ZenotiAuthEventType[];

/** Nest's log levels, as `NestFactory.create(…, { logger: [...] })` takes them. */
const LOG_LEVELS: readonly LogLevel[] = ['verbose', 'debug', 'log', 'warn', 'error', 'fatal'];

/** An entry of a `logEvents` list: an event type of core, or one of Nest's log levels. */
export type ZenotiAuthLogEntry = ZenotiAuthEventType | LogLevel;

/** Which lines a configuration logs: every one (`true`), none (`false`), or those a list selects. */
export type ZenotiAuthLogSelection = boolean | readonly ZenotiAuthLogEntry[];

/** Whether a line about an event of `type`, at `level`, is to be written. */
export type LogFilter = (type: ZenotiAuthEventType, level: LogLevel) => boolean;

const isEntry = (value: unknown): value is ZenotiAuthLogEntry =>
  EVENT_TYPES.includes(value as ZenotiAuthEventType) || LOG_LEVELS.includes(value as LogLevel);

/**
 * Throws `INVALID_OPTIONS` (field `logEvents`) unless `value` is absent, a boolean or a list of
 * event types and log levels. A wrong entry is named by its position, never quoted.
 */
export function checkLogEvents(value: unknown): void {
  if (value === undefined || typeof value === 'boolean') return;
  const wrong = Array.isArray(value) ? value.findIndex((entry) => !isEntry(entry)) : -2;
  if (wrong === -1) return;
  const culprit = wrong >= 0 ? ` (logEvents[${wrong}] is neither)` : '';
  throw invalidOption(
    'nestjs',
    'logEvents',
    `of ZenotiAuthModule must be true, false or a list of event types (${EVENT_TYPES.join(', ')}) ` +
      `and log levels (${LOG_LEVELS.join(', ')})${culprit}`,
  );
}

/**
 * The filter of a checked `logEvents` setting, or `undefined` when nothing is logged. A list selects
 * a line when it names the line's event type or its level, so `['token', 'error']` logs tokens and
 * errors, `['warn']` every line at WARN, `['debug', 'token']` the rate-limit reports and tokens.
 * (`'error'` is both an event type and a level: no line is logged at ERROR, so it means the event.)
 */
export function logFilterOf(setting: ZenotiAuthLogSelection | undefined): LogFilter | undefined {
  if (setting === undefined || setting === false || (Array.isArray(setting) && setting.length === 0))
    return undefined;
  if (setting === true) return () => true;
  const chosen = new Set<string>(setting as readonly ZenotiAuthLogEntry[]);
  return (type, level) => chosen.has(type) || chosen.has(level);
}
