import { invalidOption } from '@zenoti-auth/core';
import type { Context, Env } from 'hono';
import type { CookieOptions } from 'hono/utils/cookie';
import { defaultClientAddress } from './client-address.ts';
import { defined } from './defined.ts';
import { readLimits, type SignInLimiter, signInLimiter } from './sign-in-limit.ts';
import {
  checkSignInOptions,
  type ZenotiSessionCookieOptions,
  type ZenotiSignInOptions,
  type ZenotiSignInResolver,
} from './sign-in-options.ts';

// How `zenotiSignIn(options | (c) => options)` reads its options. Rules:
// - Fixed options are checked at once: a mistake throws at start-up.
// - A resolver runs once per request (a Workers secret exists only in `c.env`), but its options are
//   checked once per distinct options object, and once per distinct settings (the secret and
//   every other value but the hooks) when it returns a fresh object each time.
// - The hooks (`subject`, `clientAddress`) come from the options resolved for the request itself,
//   so a resolver's closure over one request is never used for another.
// - The budget of failed sign-ins belongs to the `zenotiSignIn()`, never to a request or to an
//   options object: a resolver that returns a fresh `limit` each time must not start a fresh budget
//   each time (that would be no limit at all). So every resolution must give the same `limit`.

/** The options of a sign-in, checked, hooks left out. */
export interface SignInSettings {
  secret: ZenotiSessionCookieOptions['secret'];
  name: string;
  cookie: CookieOptions;
  origins: readonly string[];
  /** The `zenotiSignIn()`'s budget of failed sign-ins; `undefined` with `limit: false`. */
  limiter: SignInLimiter | undefined;
  revealBlockedLogin: boolean;
  allowServiceUser: boolean;
}

/** What a request's sign-in uses: the settings and the hooks of the options resolved for it. */
export interface SignInUse<E extends Env> extends SignInSettings {
  clientAddress: (c: Context) => string | undefined;
  subject: ZenotiSignInOptions<E>['subject'];
}

/** Distinct settings kept per `zenotiSignIn()` (a resolver that varies them, e.g. per host). */
const MAX_SETTINGS = 100;

/** The session cookie's attributes: secure, `SameSite=Lax`, path `/` and httpOnly unless told otherwise. */
function cookieOf(given: Omit<ZenotiSessionCookieOptions, 'secret' | 'name'>): CookieOptions {
  const attributes = defined(given);
  return {
    ...attributes,
    secure: attributes.secure !== false,
    sameSite: attributes.sameSite ?? 'Lax',
    path: attributes.path ?? '/',
    httpOnly: true,
  };
}

/** The settings' identity (the secret as its characters or bytes), or `undefined` if it cannot be told. */
function signature(options: ZenotiSignInOptions<Env>): string | undefined {
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
 * Reads `zenotiSignIn()`'s options: fixed ones at once (throwing `INVALID_OPTIONS`), a resolver's
 * per request (rejecting with `INVALID_OPTIONS`). Returns what a request's sign-in uses.
 */
export function signInOptions<E extends Env>(
  options: ZenotiSignInOptions<E> | ZenotiSignInResolver<E>,
): (c: Context) => SignInUse<E> | Promise<SignInUse<E>> {
  // The budget of failed sign-ins, made from the first `limit` read (see the rules above).
  let budget: [limits: string, limiter: SignInLimiter | undefined] | undefined;
  const byObject = new WeakMap<object, SignInSettings>();
  const bySignature = new Map<string, SignInSettings>();

  const settingsOf = (o: ZenotiSignInOptions<E>): SignInSettings => {
    if (typeof o?.cookie !== 'object' || o.cookie === null)
      throw invalidOption('hono', 'cookie', 'must be an object');
    const { secret, name = 'zenoti_session', ...given } = o.cookie;
    const cookie = cookieOf(given);
    checkSignInOptions(o as unknown as ZenotiSignInOptions<Env>, cookie, name);
    const limits = readLimits(o.limit);
    const key = JSON.stringify(limits);
    budget ??= [key, limits ? signInLimiter(limits) : undefined];
    if (budget[0] !== key)
      throw invalidOption('hono', 'limit', 'must be the same for every request (it is one budget)');
    return {
      secret,
      name,
      cookie,
      origins: o.origins ?? [],
      limiter: budget[1],
      revealBlockedLogin: o.revealBlockedLogin ?? false,
      allowServiceUser: o.allowServiceUser ?? false,
    };
  };

  /** The settings of `o`, checked once per options object and once per signature. */
  const settingsOnce = (o: ZenotiSignInOptions<E>): SignInSettings => {
    let settings = byObject.get(o);
    if (settings) return settings;
    const key = signature(o as unknown as ZenotiSignInOptions<Env>);
    settings = (key !== undefined && bySignature.get(key)) || settingsOf(o);
    byObject.set(o, settings);
    if (key !== undefined && !bySignature.has(key)) {
      if (bySignature.size >= MAX_SETTINGS) bySignature.delete(bySignature.keys().next().value as string);
      bySignature.set(key, settings);
    }
    return settings;
  };

  const use = (o: ZenotiSignInOptions<E>): SignInUse<E> => {
    const settings = settingsOnce(o);
    const { clientAddress = defaultClientAddress, subject } = o;
    if (typeof clientAddress !== 'function')
      throw invalidOption('hono', 'clientAddress', 'must be a function');
    if (subject !== undefined && typeof subject !== 'function')
      throw invalidOption('hono', 'subject', 'must be a function');
    return { ...settings, clientAddress: clientAddress as SignInUse<E>['clientAddress'], subject };
  };

  if (typeof options === 'function') {
    // Once per request: its principal reader and its handler see the same options.
    const requests = new WeakMap<Context, Promise<SignInUse<E>>>();
    return (c) => {
      let resolved = requests.get(c);
      if (!resolved) {
        resolved = Promise.resolve(c as Context<E>)
          .then(options)
          .then(use);
        requests.set(c, resolved);
      }
      return resolved;
    };
  }
  const fixed = use(options);
  return () => fixed;
}
