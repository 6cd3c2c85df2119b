import { Logger } from '@nestjs/common';
import type { ZenotiAuthEvent, ZenotiAuthOptions } from '@zenoti-auth/core';
import { logLineOf } from './zenoti-auth.log-lines.ts';

/**
 * Core's options with the engine's `warning` events written by Nest's `Logger` under `context` (at
 * WARN; a trouble that is over at LOG), whatever `logEvents` says: a store that fails, a budget out
 * of reach, a token not renewed are the operator's business, and Nest's own log levels filter them.
 * The app's `onEvent` still gets every event. A sink given at construction, not a listener added
 * after: the warnings a store told before the engine was made (Redis down at start, tokens in plain
 * text) go to the engine's first listener then, and would reach the console otherwise. Nothing is
 * written to the console: a warning that reaches the engine is the Logger's.
 */
export function withWarningLog(options: ZenotiAuthOptions, context: string): ZenotiAuthOptions {
  // Not an object, or an `onEvent` that is no function: core fails with its usual error, naming it.
  if (typeof options !== 'object' || options === null) return options;
  const onEvent = options.onEvent;
  if (onEvent !== undefined && typeof onEvent !== 'function') return options;
  const logger = new Logger(context);
  return {
    ...options,
    onEvent: (event: ZenotiAuthEvent) => {
      if (event.type === 'warning') {
        const { level, message } = logLineOf(event);
        logger[level](message);
      }
      onEvent?.(event);
    },
  };
}
