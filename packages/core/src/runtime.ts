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

let warnedOfIsolateStore = false;

/**
 * On Workers, a deployment is many isolates, each with its own memory. A store that lives in the
 * isolate (`MemoryTokenStore`, the default) in token mode makes every isolate sign in and refresh
 * on its own, and each refresh kills the other isolates' tokens. Says so once per isolate, naming
 * the fix; `undefined` when there is nothing to say.
 */
export function isolateStoreWarning(tokenMode: boolean, localStore: boolean): string | undefined {
  if (warnedOfIsolateStore || !tokenMode || !localStore || !onCloudflareWorkers()) return undefined;
  warnedOfIsolateStore = true;
  return '[@zenoti-auth/core] On Cloudflare Workers each isolate has its own memory: with an in-isolate token store, every isolate signs in and refreshes on its own, and each refresh kills the tokens of the others. Share one store: DurableObjectTokenStore from @zenoti-auth/cloudflare.';
}
