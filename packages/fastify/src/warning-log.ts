import type { ZenotiAuth, ZenotiAuthEvent } from '@zenoti-auth/core';

type Print = (message: string) => void;

/** Warnings already told: an engine behind two `zenotiAuth` plugins tells each one once. */
const told = new WeakSet<object>();

/** Hands a `warning` event to `onWarning`, once per event; a failing `onWarning` changes nothing. */
function tell(onWarning: Print, event: ZenotiAuthEvent): void {
  if (event.type !== 'warning' || told.has(event)) return;
  told.add(event);
  try {
    onWarning(event.message);
  } catch {
    // A failing logger must not break the engine.
  }
}

/**
 * Core's options with the engine's warnings going to `onWarning`: by `onEvent`, given at
 * construction, so that the warnings its store told before the engine was made (Redis down at start,
 * tokens in plain text) reach it too. The app's own `onEvent` still gets every event.
 */
export function warningsTo(core: Record<string, unknown>, onWarning: Print): Record<string, unknown> {
  const onEvent = core.onEvent as ((event: ZenotiAuthEvent) => void) | undefined;
  // An `onEvent` that is no function: core fails with its usual error, naming it.
  if (onEvent !== undefined && typeof onEvent !== 'function') return core;
  return {
    ...core,
    onEvent: (event: ZenotiAuthEvent) => {
      tell(onWarning, event);
      onEvent?.(event);
    },
  };
}

/** A ready engine's warnings to `onWarning`, from now on. */
export function listenForWarnings(auth: ZenotiAuth, onWarning: Print): void {
  auth.on('warning', (event) => tell(onWarning, event));
}
