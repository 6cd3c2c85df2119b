/**
 * Facts about the runtime the engine runs on, decided here once so that every adapter (and plain
 * core) gets the same answer.
 */

/** True on Cloudflare Workers (workerd), where a promise made in one request dies with that request. */
export function onCloudflareWorkers(): boolean {
  return (
    (globalThis as { navigator?: { userAgent?: unknown } }).navigator?.userAgent === 'Cloudflare-Workers'
  );
}
