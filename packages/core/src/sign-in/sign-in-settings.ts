import { invalidOption } from '../errors.ts';
import { readLimits, type SignInLimiter, signInLimiter } from './sign-in-limit.ts';
import type { ZenotiSignInOptions, ZenotiSignInResolver } from './sign-in-options.ts';
import { type CookieSettings, cookieSettings, hmacKey, secretLength } from './signed-cookie.ts';

// How the sign-in reads its options (`options | (from) => options`). Rules:
// - Fixed options are checked at once: a mistake throws at start-up.
// - A resolver runs once per request (a Workers secret exists only in `c.env`), but its options are
//   checked once per distinct options object, and once per distinct settings (the secret and
//   every other value but the hooks) when it returns a fresh object each time.
// - The hooks (`subject`, `clientAddress`) come from the options resolved for the request itself,
//   so a resolver's closure over one request is never used for another.
// - The budget of failed sign-ins belongs to the sign-in, never to a request or to an options
//   object: a resolver that returns a fresh `limit` each time must not start a fresh budget each
//   time (that would be no limit at all). So every resolution must give the same `limit`.

/** The options of a sign-in, checked, hooks left out. */
export interface SignInSettings {
  cookie: CookieSettings;
  /** The HMAC key of the cookie's secret, imported at its first use. */
  key: () => Promise<CryptoKey>;
  origins: readonly string[];
  /** The sign-in's budget of failed sign-ins; `undefined` with `limit: false`. */
  limiter: SignInLimiter | undefined;
  revealBlockedLogin: boolean;
  allowServiceUser: boolean;
}

/** What a request's sign-in uses: the settings and the hooks of the options resolved for it. */
export interface SignInUse<F> extends SignInSettings {
  clientAddress: ((from: F) => string | undefined) | undefined;
  subject: ZenotiSignInOptions<F>['subject'];
}

/** Distinct settings kept per sign-in (a resolver that varies them, e.g. per host). */
const MAX_SETTINGS = 100;

/** The settings' identity (the secret as its characters or bytes), or `undefined` if it cannot be told. */
function signature(options: ZenotiSignInOptions<unknown>): string | undefined {
  try {
    const { secret, ...cookie } = options.cookie;
    const bytes =
      typeof secret === 'string'
        ? secret
        : Array.from(
            ArrayBuffer.isView(secret)
              ? new Uint8Array(secret.buffer, secret.byteOffset, secret.byteLength)
              : new Uint8Array(secret),
          );
    const { origins, limit, revealBlockedLogin, allowServiceUser } = options;
    return JSON.stringify([bytes, cookie, origins, limit, revealBlockedLogin, allowServiceUser]);
  } catch {
    return undefined; // checked each time then, and told what is wrong
  }
}

/**
 * Reads the sign-in's options: fixed ones at once (throwing `INVALID_OPTIONS` by the package `by`),
 * a resolver's per request (rejecting with `INVALID_OPTIONS`). Returns what a request's sign-in uses.
 */
export function signInOptions<F>(
  options: ZenotiSignInOptions<F> | ZenotiSignInResolver<F>,
  by: string,
): (from: F) => SignInUse<F> | Promise<SignInUse<F>> {
  // The budget of failed sign-ins, made from the first `limit` read (see the rules above).
  let budget: [limits: string, limiter: SignInLimiter | undefined] | undefined;
  const byObject = new WeakMap<object, SignInSettings>();
  const bySignature = new Map<string, SignInSettings>();

  const settingsOf = (o: ZenotiSignInOptions<F>): SignInSettings => {
    if (typeof o?.cookie !== 'object' || o.cookie === null)
      throw invalidOption(by, 'cookie', 'must be an object');
    const { secret, ...given } = o.cookie;
    if (!(secretLength(secret) >= 32)) {
      // Undefined: most often a secret never set (on Workers, a `wrangler secret` missing from c.env).
      const unset = secret === undefined ? 'is undefined; it ' : '';
      throw invalidOption(by, 'cookie.secret', `${unset}must be at least 32 characters (or bytes)`);
    }
    const cookie = cookieSettings(given, by);
    for (const origin of o.origins ?? []) {
      if (!/^https?:\/\/[^/\s]+$/.test(origin))
        throw invalidOption(by, 'origins', `lists "${origin}", which is not an origin`);
    }
    for (const flag of ['revealBlockedLogin', 'allowServiceUser'] as const) {
      if (![undefined, true, false].includes(o[flag])) throw invalidOption(by, flag, 'must be true or false');
    }
    const limits = readLimits(o.limit, by);
    const limitsKey = JSON.stringify(limits);
    budget ??= [limitsKey, limits ? signInLimiter(limits) : undefined];
    if (budget[0] !== limitsKey)
      throw invalidOption(by, 'limit', 'must be the same for every request (it is one budget)');
    let key: Promise<CryptoKey> | undefined;
    return {
      cookie,
      key: () => (key ??= hmacKey(secret)),
      origins: o.origins ?? [],
      limiter: budget[1],
      revealBlockedLogin: o.revealBlockedLogin ?? false,
      allowServiceUser: o.allowServiceUser ?? false,
    };
  };

  /** The settings of `o`, checked once per options object and once per signature. */
  const settingsOnce = (o: ZenotiSignInOptions<F>): SignInSettings => {
    let settings = byObject.get(o);
    if (settings) return settings;
    const key = signature(o as ZenotiSignInOptions<unknown>);
    settings = (key !== undefined && bySignature.get(key)) || settingsOf(o);
    byObject.set(o, settings);
    if (key !== undefined && !bySignature.has(key)) {
      if (bySignature.size >= MAX_SETTINGS) bySignature.delete(bySignature.keys().next().value as string);
      bySignature.set(key, settings);
    }
    return settings;
  };

  const use = (o: ZenotiSignInOptions<F>): SignInUse<F> => {
    const settings = settingsOnce(o);
    const { clientAddress, subject } = o;
    if (clientAddress !== undefined && typeof clientAddress !== 'function')
      throw invalidOption(by, 'clientAddress', 'must be a function');
    if (subject !== undefined && typeof subject !== 'function')
      throw invalidOption(by, 'subject', 'must be a function');
    return { ...settings, clientAddress, subject };
  };

  if (typeof options === 'function') {
    // Once per request: its principal reader and its handler see the same options.
    const requests = new WeakMap<object, Promise<SignInUse<F>>>();
    return (from) => {
      const cacheable = typeof from === 'object' && from !== null;
      let resolved = cacheable ? requests.get(from) : undefined;
      if (!resolved) {
        resolved = Promise.resolve(from).then(options).then(use);
        if (cacheable) requests.set(from, resolved);
      }
      return resolved;
    };
  }
  const fixed = use(options);
  return () => fixed;
}
