import type { ZenotiAuthEvent } from '@zenoti-auth/core';

let stepNo = 0;

/** Numbers the next step 1 again (each `run()` starts its own list). */
export function resetSteps(): void {
  stepNo = 0;
}

/** Prints a numbered step title. */
export function step(title: string): void {
  stepNo += 1;
  console.log(`\n${stepNo}. ${title}`);
}

/** Prints one indented line of a step. */
export function say(line: string): void {
  console.log(`   ${line}`);
}

/** Prints why a step does not run here. */
export function skip(reason: string): void {
  say(`(skipped: ${reason})`);
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** One readable line per engine event; events never carry a secret (tokens are fingerprints). */
export function describeEvent(event: ZenotiAuthEvent): string | undefined {
  switch (event.type) {
    case 'token':
      return `event token: ${event.grant} grant → access token ${event.tokenId}, expires ${iso(event.expiresAt)}`;
    case 'invalidated':
      return `event invalidated: token ${event.tokenId} (${event.reason})`;
    case 'error':
      return `event error: ${event.error.code}`;
    case 'warning':
      return `event warning: ${event.message}`;
    case 'rateLimit':
      return undefined;
  }
}
