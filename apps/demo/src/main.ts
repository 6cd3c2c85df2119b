// `pnpm demo` at the repository root (= `pnpm --filter @zenoti-auth/demo start`): the whole tour.
import { runTour } from './tour.ts';

/** The tour must end by itself: if anything still holds the process this long after it, say what and exit. */
const LINGER_MS = 5_000;
/** And it must never outlive a minute, whatever hangs. */
const WATCHDOG_MS = 55_000;

function stopWhenStuck(ms: number, why: string): void {
  setTimeout(() => {
    const open = process.getActiveResourcesInfo().filter((r) => r !== 'Timeout');
    console.error(`tour: ${why}; still open: ${open.join(', ') || 'nothing'} — exiting`);
    process.exit(1);
  }, ms).unref();
}

stopWhenStuck(WATCHDOG_MS, `not finished after ${WATCHDOG_MS / 1000} s`);
runTour()
  .then((results) => {
    if (results.some((r) => !r.ok)) process.exitCode = 1;
    stopWhenStuck(LINGER_MS, 'the tour is over but the process is still running');
  })
  .catch((error: unknown) => {
    console.error(`tour failed: ${error instanceof Error ? error.message : 'unknown error'}`);
    process.exitCode = 1;
    stopWhenStuck(LINGER_MS, 'the tour failed');
  });
