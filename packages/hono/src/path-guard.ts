import { invalidOption } from '@zenoti-auth/core';

/** One compiled allow-list entry: a method and path segments (literal, `:param`, or a final `*`). */
export interface Rule {
  method: string;
  segments: string[];
}

const ENTRY = /^([A-Z]+) (\/\S*)$/;
const LITERAL = /^[\w.~-]+$/;

/**
 * Compiles `['GET /v1/centers', 'GET /v1/centers/:id/services', 'GET /v1/centers/*']`.
 * Literal segments match case-insensitively (as Zenoti does); `:name` matches one segment;
 * `*`, only last, matches one or more. Mistakes throw `INVALID_OPTIONS` naming the entry.
 */
export function compileAllowList(allow: unknown): Rule[] {
  if (!Array.isArray(allow) || allow.length === 0) {
    throw invalidOption('hono', 'allow', "must list 'METHOD /path' entries");
  }
  return allow.map((entry: unknown, i) => {
    const field = `allow[${i}]`;
    const match = typeof entry === 'string' ? ENTRY.exec(entry.trim()) : null;
    if (!match) throw invalidOption('hono', field, "must look like 'GET /v1/centers/:id'");
    const segments = (match[2] as string).slice(1).split('/');
    segments.forEach((s, j) => {
      const ok = s === '*' ? j === segments.length - 1 : LITERAL.test(s.startsWith(':') ? s.slice(1) : s);
      if (!ok || s === '.' || s === '..') {
        throw invalidOption('hono', field, `has a bad segment "${s}"`);
      }
    });
    return { method: match[1] as string, segments: segments.map((s) => s.toLowerCase()) };
  });
}

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

function matches(rule: Rule, segments: readonly string[]): boolean {
  const last = rule.segments.length - 1;
  if (rule.segments[last] === '*' ? segments.length <= last : segments.length !== rule.segments.length) {
    return false;
  }
  return rule.segments.every(
    (s, i) => s === '*' || s.startsWith(':') || s === (segments[i] as string).toLowerCase(),
  );
}

/** `true` when allowed; otherwise the methods allowed for this path (empty: no entry matches the path). */
export function allowed(
  rules: readonly Rule[],
  method: string,
  segments: readonly string[],
): true | string[] {
  const methods: string[] = [];
  for (const rule of rules) {
    if (!matches(rule, segments)) continue;
    if (rule.method === method || (method === 'HEAD' && rule.method === 'GET')) return true;
    methods.push(rule.method);
  }
  return methods;
}
