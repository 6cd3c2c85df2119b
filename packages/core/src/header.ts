import { redact } from './redact.ts';

/** The two Zenoti authorization schemes. */
export type ZenotiScheme = 'apikey' | 'bearer';

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
  if (typeof value !== 'string') return undefined;
  const match = /^\s*(apikey|bearer)\s+(\S+)\s*$/i.exec(value);
  if (!match?.[1] || !match[2]) return undefined;
  return { scheme: match[1].toLowerCase() as ZenotiScheme, credential: match[2] };
}

/** `"bearer …ab68"`: an Authorization value safe to log. */
export function redactAuthorization(value: string | null | undefined): string {
  const parsed = parseAuthorization(value);
  if (!parsed) return value ? '…' : '';
  return `${parsed.scheme} ${redact(parsed.credential)}`;
}
