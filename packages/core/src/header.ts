/** The two Zenoti authorization schemes. */
export type ZenotiScheme = 'apikey' | 'bearer';

/**
 * A short, non-reversible label for a secret: `…` plus its last four characters,
 * or `…` alone for values too short to show any part of.
 */
export function redact(secret: string | undefined | null): string {
  return secret && secret.length > 11 ? `…${secret.slice(-4)}` : '…';
}

/**
 * Whether `value` may stand in an HTTP header: visible ASCII only. Keys, secrets and tokens are
 * checked when they enter: a NUL or control character would make `Headers.set` throw an error
 * that quotes the whole value.
 */
export function isHeaderSafe(value: string): boolean {
  return /^[\x21-\x7e]+$/.test(value);
}

/** `formatAuthorization('bearer', token)` → `"bearer <token>"`: exactly the lower-case form Zenoti documents. */
export function formatAuthorization(scheme: ZenotiScheme, credential: string): string {
  return `${scheme} ${credential}`;
}

export interface ParsedAuthorization {
  scheme: ZenotiScheme;
  credential: string;
}

/** Parses an `Authorization` value; the scheme word is case-insensitive. Returns undefined for anything else. */
export function parseAuthorization(value: string | null | undefined): ParsedAuthorization | undefined {
  const m = /^\s*(apikey|bearer)\s+(\S+)\s*$/i.exec(value ?? '');
  return m ? { scheme: m[1]?.toLowerCase() as ZenotiScheme, credential: m[2] as string } : undefined;
}

/** `"bearer …ab68"`: an Authorization value safe to log. */
export function redactAuthorization(value: string | null | undefined): string {
  const parsed = parseAuthorization(value);
  return parsed ? `${parsed.scheme} ${redact(parsed.credential)}` : value ? '…' : '';
}
