// Whether a request path may be forwarded at all, before the allow-list (allow-list.ts) is asked.

/** Anything that could make the upstream path differ from what is checked, in any encoding. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point.
const FORBIDDEN = /\\|%(?:2f|5c|25|00)|\/\/|[\0-\x1f\x7f]/i;

/**
 * Checks a request path (raw, without query) and returns its decoded segments below `prefix`,
 * or the status to answer: 400 for anything that could change the host or the path upstream
 * (`//`, `\`, `%2f`, `%5c`, `%25`, dot segments raw or encoded, control characters, empty
 * segments, bad escapes), 404 for a path outside the prefix.
 */
export function checkPath(path: string, prefix: string): string[] | 400 | 404 {
  if (!path.startsWith('/') || FORBIDDEN.test(path)) return 400;
  const segments = path.split('/').slice(1);
  const decoded: string[] = [];
  for (const segment of segments) {
    let value: string;
    try {
      value = decodeURIComponent(segment);
    } catch {
      return 400;
    }
    // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point.
    if (value === '' || value === '.' || value === '..' || /[/\\\0-\x1f\x7f]/.test(value)) return 400;
    decoded.push(value);
  }
  const base = prefix === '' ? [] : prefix.slice(1).split('/');
  if (decoded.length <= base.length || base.some((b, i) => b !== decoded[i])) return 404;
  return decoded.slice(base.length);
}
