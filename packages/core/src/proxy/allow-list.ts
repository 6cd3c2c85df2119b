import { invalidOption } from '../errors.ts';

/**
 * One compiled allow-list entry: a method and its path segments, each a literal (lower case), the
 * pattern of a parameter, or a final `'*'`. `wide`: it forwards one of Zenoti's own words, such as
 * `search`, where an id is expected (see `WORDS`).
 */
export interface Rule {
  entry: string;
  method: string;
  segments: Array<string | RegExp>;
  wide: boolean;
}

/** What a bare `:name` matches: a Zenoti id, which is a GUID (8-4-4-4-12 hex digits, any case). */
const GUID = /^[\da-f]{8}-[\da-f]{4}-[\da-f]{4}-[\da-f]{4}-[\da-f]{12}$/i;

/**
 * Words Zenoti puts where an id could stand (`/v1/guests/search` beside `/v1/guests/:id`): a rule
 * whose parameter matches one of them forwards more than ids. Zenoti matches paths in any case.
 */
const WORDS = ['search', 'Search', 'SEARCH', 'list', 'all'];

const ENTRY = /^([A-Z]+) (\/\S*)$/;
const LITERAL = /^[\w.~-]+$/;
/** `:name` or `:name{pattern}` (Hono's syntax). */
const PARAM = /^:[\w.~-]+(?:\{(.+)\})?$/s;

/** The segments of an entry's path (after its leading `/`): split at each `/` outside `{…}`. */
function splitPath(path: string): string[] | undefined {
  const segments = [''];
  let depth = 0;
  for (let i = 1; i < path.length; i++) {
    let char = path[i] as string;
    if (char === '\\') char += path[++i] ?? '';
    else if (char === '{') depth++;
    else if (char === '}' && --depth < 0) return undefined;
    if (char === '/' && depth === 0) segments.push('');
    else segments[segments.length - 1] += char;
  }
  return depth === 0 ? segments : undefined;
}

/** A segment of `entry` compiled: `'*'`, a literal in lower case, or a parameter's anchored pattern. */
function compileSegment(segment: string, last: boolean, field: string, by: string): string | RegExp {
  const param = PARAM.exec(segment);
  if (param) {
    if (param[1] === undefined) return GUID;
    try {
      // Anchored: the pattern must match the whole of one (decoded) segment.
      return new RegExp(`^(?:${param[1]})$`);
    } catch {
      throw invalidOption(by, field, `has a bad pattern in "${segment}"`);
    }
  }
  if ((segment === '*' && last) || (LITERAL.test(segment) && segment !== '.' && segment !== '..')) {
    return segment.toLowerCase();
  }
  throw invalidOption(by, field, `has a bad segment "${segment}"`);
}

/**
 * Compiles `['GET /v1/centers', 'GET /v1/centers/:id/services', 'GET /v1/centers/*']`.
 * Literal segments match case-insensitively (as Zenoti does); a bare `:name` matches one Zenoti
 * id (a GUID), `:name{pattern}` one segment that the whole pattern matches; `*`, only last,
 * matches one or more segments. Mistakes throw `INVALID_OPTIONS` naming the entry (and the package `by`).
 */
export function compileAllowList(allow: unknown, by: string): Rule[] {
  if (!Array.isArray(allow) || allow.length === 0) {
    throw invalidOption(by, 'allow', "must list 'METHOD /path' entries");
  }
  return allow.map((entry: unknown, i) => {
    const field = `allow[${i}]`;
    const match = typeof entry === 'string' ? ENTRY.exec(entry.trim()) : null;
    const parts = match ? splitPath(match[2] as string) : undefined;
    if (!match || !parts) throw invalidOption(by, field, "must look like 'GET /v1/centers/:id'");
    const segments = parts.map((s, j) => compileSegment(s, j === parts.length - 1, field, by));
    const wide = segments.some((s) => s === '*' || (s instanceof RegExp && WORDS.some((w) => s.test(w))));
    return { entry: (entry as string).trim(), method: match[1] as string, segments, wide };
  });
}

function matches(rule: Rule, segments: readonly string[]): boolean {
  const last = rule.segments.length - 1;
  if (rule.segments[last] === '*' ? segments.length <= last : segments.length !== rule.segments.length) {
    return false;
  }
  return rule.segments.every((s, i) => {
    const segment = segments[i] as string;
    return s === '*' || (typeof s === 'string' ? s === segment.toLowerCase() : s.test(segment));
  });
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
