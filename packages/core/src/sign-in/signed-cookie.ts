import { invalidOption } from '../errors.ts';
import { defined } from './defined.ts';
import type { ZenotiSessionCookieOptions } from './sign-in-options.ts';

// The session cookie: its attributes (checked at start-up), and its value signed with HMAC-SHA-256
// through Web Crypto. The format is `name=encodeURIComponent(value + "." + base64(HMAC(value)))`,
// which Hono's signed cookies use too, so sessions signed before the sign-in left Hono still verify.

/** The session cookie's name and attributes, checked. */
export interface CookieSettings {
  /** The name sent, with its `__Host-` or `__Secure-` prefix. */
  name: string;
  /** `; Max-Age=…; Path=/; HttpOnly; Secure; SameSite=Lax` (as asked). */
  attributes: string;
  /** The same with `Max-Age=0`: the header that deletes the cookie. */
  deletion: string;
}

/** What a cookie name may be (an RFC 6265 token). */
const NAME = /^[\w!#$%&'*.^`|~+-]+$/;
/** What a cookie value may hold once unquoted (RFC 6265 cookie-octets, and spaces). */
const VALUE = /^[ !#-:<-[\]-~]*$/;
/** The longest life a browser keeps (400 days). */
const MAX_AGE = 34_560_000;

/** The secret's length in characters or bytes (`NaN` when it is neither). */
export const secretLength = (secret: unknown): number =>
  typeof secret === 'string' ? secret.length : Number((secret as ArrayBuffer | undefined)?.byteLength);

/**
 * The cookie's name and attributes: secure, `SameSite=Lax`, path `/` and httpOnly unless told
 * otherwise. Throws `INVALID_OPTIONS` (by the package `by`) naming the field at fault.
 */
export function cookieSettings(
  given: Omit<ZenotiSessionCookieOptions, 'secret'>,
  by: string,
): CookieSettings {
  const { name = 'zenoti_session', sameSite = 'Lax', maxAge, domain, prefix, ...rest } = defined(given);
  const secure = rest.secure !== false;
  const path = prefix === 'host' ? '/' : (rest.path ?? '/');
  if (!/^(Strict|Lax)$/.test(String(sameSite)))
    throw invalidOption(by, 'cookie.sameSite', 'must be "Strict" or "Lax"');
  // A negative or NaN Max-Age would silently make a browser-session cookie.
  if (maxAge !== undefined && !(Number.isFinite(maxAge) && maxAge > 0))
    throw invalidOption(by, 'cookie.maxAge', 'must be a positive number of seconds');
  if (prefix && !secure) throw invalidOption(by, 'cookie.secure', 'must be true with a cookie prefix');
  const full = `${prefix === 'host' ? '__Host-' : prefix === 'secure' ? '__Secure-' : ''}${name}`;
  const refuse = (rule: string) => invalidOption(by, 'cookie', `is not a valid cookie: ${rule}`);
  if (!NAME.test(full)) throw refuse('invalid name');
  if (/^__secure-/i.test(full) && !secure) throw refuse('a __Secure- cookie must be secure');
  if (/^__host-/i.test(full) && (!secure || path !== '/' || (domain && prefix !== 'host')))
    throw refuse('a __Host- cookie must be secure, with path "/" and no domain');
  if (/[;\r\n]/.test(`${domain ?? ''}${path}`)) throw refuse('domain and path must not hold ";", CR or LF');
  if (maxAge !== undefined && maxAge > MAX_AGE) throw refuse(`Max-Age must be at most ${MAX_AGE} seconds`);
  const rule = `${domain && prefix !== 'host' ? `; Domain=${domain}` : ''}; Path=${path}; HttpOnly${secure ? '; Secure' : ''}; SameSite=${sameSite}`;
  return {
    name: full,
    attributes: `${maxAge === undefined ? '' : `; Max-Age=${maxAge | 0}`}${rule}`,
    deletion: `; Max-Age=0${rule}`,
  };
}

/** The HMAC key of `secret`. */
export function hmacKey(secret: ZenotiSessionCookieOptions['secret']): Promise<CryptoKey> {
  const bytes = typeof secret === 'string' ? new TextEncoder().encode(secret) : secret;
  return crypto.subtle.importKey('raw', bytes, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
}

/** The `Set-Cookie` value that holds `value`, signed. */
export async function signedCookie(cookie: CookieSettings, value: string, key: CryptoKey): Promise<string> {
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(value)));
  const signature = btoa(String.fromCharCode(...mac));
  return `${cookie.name}=${encodeURIComponent(`${value}.${signature}`)}${cookie.attributes}`;
}

/** The first well-formed value of the cookie `name` in a `Cookie` header, decoded. */
function cookieValue(header: string, name: string): string | undefined {
  if (!header.includes(name)) return undefined;
  for (const pair of header.split(';')) {
    const equals = pair.indexOf('=');
    if (equals < 0 || pair.slice(0, equals).replace(/^[ \t]+|[ \t]+$/g, '') !== name) continue;
    let value = pair.slice(equals + 1).replace(/^[ \t]+|[ \t]+$/g, '');
    if (value.length > 1 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    if (!VALUE.test(value)) continue;
    try {
      return decodeURIComponent(value);
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** The value of a validly signed cookie in the `Cookie` header, else `undefined`. */
export async function readSignedCookie(
  header: string | null | undefined,
  cookie: CookieSettings,
  key: CryptoKey,
): Promise<string | undefined> {
  const value = header ? cookieValue(header, cookie.name) : undefined;
  const dot = value?.lastIndexOf('.') ?? -1;
  if (value === undefined || dot < 0) return undefined;
  const signature = value.slice(dot + 1);
  if (signature.length !== 44 || !signature.endsWith('=')) return undefined;
  try {
    const mac = Uint8Array.from(atob(signature), (c) => c.charCodeAt(0));
    const signed = value.slice(0, dot);
    return (await crypto.subtle.verify('HMAC', key, mac, new TextEncoder().encode(signed)))
      ? signed
      : undefined;
  } catch {
    return undefined; // not base64
  }
}
