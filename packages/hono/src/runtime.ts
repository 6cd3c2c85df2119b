/** True on Cloudflare Workers (workerd), where a promise made in one request dies with that request. */
export function onWorkers(): boolean {
  return (
    (globalThis as { navigator?: { userAgent?: unknown } }).navigator?.userAgent === 'Cloudflare-Workers'
  );
}
