/** The two schemes Zenoti accepts in `Authorization`. */
export type AuthScheme = 'apikey' | 'bearer';

/** The scheme word and credential of an `Authorization` header. */
export interface AuthorizationParts {
  scheme: AuthScheme;
  credential: string;
}

/**
 * Reads an `Authorization` header value. With `strict`, only the documented lower-case
 * `apikey <key>` / `bearer <token>` (one space) passes; otherwise the scheme word is
 * case-insensitive and surrounding whitespace is ignored.
 */
export function readAuthorizationHeader(
  header: string | undefined,
  strict: boolean,
): AuthorizationParts | undefined {
  if (header === undefined) return undefined;
  if (strict) {
    for (const scheme of ['apikey', 'bearer'] as const) {
      if (header.startsWith(`${scheme} `)) {
        const credential = header.slice(scheme.length + 1);
        return credential && credential.trim() === credential ? { scheme, credential } : undefined;
      }
    }
    return undefined;
  }
  const match = /^\s*(\S+)\s+(\S+)\s*$/.exec(header);
  const scheme = match?.[1]?.toLowerCase();
  const credential = match?.[2];
  if ((scheme === 'apikey' || scheme === 'bearer') && credential) return { scheme, credential };
  return undefined;
}

const KNOWN_SCHEMES = new Set(['apikey', 'bearer', 'basic', 'token', 'digest']);

/**
 * A safe description of an `Authorization` value: the scheme word (only a well-known one, as
 * sent) plus `…` and the last 4 characters of an `apikey`/`bearer` credential of at least 16
 * characters. Anything else shows no characters of the credential at all.
 */
export function fingerprintAuthorization(header: string): string {
  const trimmed = header.trim();
  const space = trimmed.search(/\s/);
  const word = space === -1 ? '' : trimmed.slice(0, space);
  const scheme = word.toLowerCase();
  if (!KNOWN_SCHEMES.has(scheme)) return '(unknown scheme) …';
  const credential = trimmed.slice(space).trim();
  const showTail = (scheme === 'apikey' || scheme === 'bearer') && credential.length >= 16;
  return `${word} …${showTail ? credential.slice(-4) : ''}`;
}
