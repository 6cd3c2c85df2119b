import { invalidOption } from './errors.ts';
import { isHeaderSafe } from './header.ts';
import { isRecord } from './token-response.ts';

/*
 * The checks every option of `ZenotiAuth` is made of (`validate.ts` assembles them): each throws
 * `INVALID_OPTIONS` naming the field, and never quotes the value (it may be a secret).
 */

export type Input = Record<string, unknown> | undefined;

export function fail(field: string, problem: string): never {
  throw invalidOption('core', field, problem);
}

/** What a value is, for messages; never the value itself (it may be a secret). */
function kind(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
}

/**
 * A plain object whose keys are all known: `field` names it in errors, `keys` lists what it may
 * hold. Returned as a copy of its own properties without a prototype: an option set on
 * `Object.prototype` (a polluted prototype) is never read as given.
 */
export function object(value: unknown, field: string, keys: string): Input {
  if (!isRecord(value)) fail(field, `must be an object (got ${kind(value)})`);
  const known = keys.split(' ');
  const own: Record<string, unknown> = Object.create(null);
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) {
      // A near miss (`baseURL`, `apikey`) is named: a typo must not silently mean the default.
      const meant = known.find((k) => k.toLowerCase() === key.toLowerCase().replace(/[-_]/g, ''));
      fail(
        field === 'options' ? key : `${field}.${key}`,
        `is not a known option${meant ? ` (did you mean "${meant}"?)` : ''}`,
      );
    }
    own[key] = value[key];
  }
  return own;
}

/** Control characters (C0, DEL, C1) are never part of a name or a password, only of a mistake. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** Whether `value` holds a control character (never legal in a name or a password). */
export function hasControlCharacter(value: string): boolean {
  return CONTROL.test(value);
}

/**
 * A non-blank string without control characters. `strict`: visible ASCII only (keys, secrets:
 * header-safe); `loose`: any non-empty text (passwords: spaces and non-ASCII letters are legal,
 * they go in a JSON body, never in a header).
 */
export function string(value: unknown, field: string, how?: 'strict' | 'loose'): string {
  if (typeof value !== 'string' || (how === 'loose' ? value === '' : value.trim() === ''))
    fail(
      field,
      `must be a non-empty string (got ${typeof value === 'string' ? 'a blank one' : kind(value)})`,
    );
  if (how !== 'loose' && (how ? /\s/ : /^\s|\s$/).test(value))
    fail(field, `must not ${how ? 'contain' : 'start or end with'} whitespace`);
  if (hasControlCharacter(value) || (how === 'strict' && !isHeaderSafe(value)))
    fail(
      field,
      how === 'strict'
        ? 'must hold only visible ASCII characters (no control or non-ASCII character)'
        : 'must not contain control characters',
    );
  return value;
}

/** A number of milliseconds (or a whole count with `whole`), zero or more (more than zero with `positive`). */
export function number(
  value: unknown,
  field: string,
  fallback: number,
  positive?: boolean,
  whole?: boolean,
): number {
  if (value === undefined) return fallback;
  if (
    typeof value !== 'number' ||
    !(whole ? Number.isInteger(value) : Number.isFinite(value)) ||
    value < 0 ||
    (positive && value === 0)
  )
    fail(
      field,
      `must be ${whole ? 'a whole number' : 'a number of ms'} ${positive ? '> 0' : '>= 0'} (got ${typeof value === 'number' ? value : kind(value)})`,
    );
  return value;
}

export function is<T>(value: unknown, field: string, type: 'function' | 'boolean', fallback?: T): T {
  if (value === undefined) return fallback as T;
  if (typeof value !== type) fail(field, `must be a ${type} (got ${kind(value)})`);
  return value as T;
}

/** True for hosts that never leave this machine, where plain http is allowed. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return /^(localhost|.*\.localhost|::1|127(\.\d{1,3}){3})$/.test(host);
}

/**
 * An https URL (http only for loopback hosts) without credentials, query or fragment. `prefix`
 * allows a path (a gateway's prefix) but not one ending in `/v1`: paths such as `/v1/centers`
 * are added to it, so `…/v1` would call `…/v1/v1/centers`.
 */
export function origin(value: unknown, field: string, prefix?: 'path prefix'): URL {
  let url: URL | undefined;
  try {
    url = new URL(value as string);
  } catch {}
  // `localhost:4010` parses as a URL whose scheme is `localhost:`.
  if (
    typeof value === 'string' &&
    (!url || !/^https?:$/.test(url.protocol)) &&
    !/^[a-z][a-z\d+.-]*:\/\//i.test(value)
  )
    fail(field, 'is missing http:// or https://');
  if (typeof value !== 'string' || !url) return fail(field, 'must be an absolute https URL');
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname)))
    fail(field, 'must use https (http only for loopback hosts)');
  if (url.username || url.password || /[?#]/.test(value))
    fail(field, 'must not have credentials, a query or a fragment');
  if (!prefix && url.pathname !== '/') fail(field, 'must be an origin, without a path');
  if (/\/v1\/*$/i.test(url.pathname))
    fail(field, 'must not end in /v1: give the host (and any gateway prefix); paths add /v1 themselves');
  return url;
}
