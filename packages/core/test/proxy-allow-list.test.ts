import { describe, expect, it } from 'vitest';
import { ZenotiAuthError } from '../src/errors.ts';
import { allowed, compileAllowList as compileFor } from '../src/proxy/allow-list.ts';

// The proxy's allow-list (`@zenoti-auth/core/proxy`), as every adapter's zenotiProxy() compiles it.
const compileAllowList = (allow: unknown) => compileFor(allow, 'core');

const ID = '0f5c2a9e-7b3d-4c1e-9a8f-2d6b4e1c3a57';

function compileError(allow: unknown): unknown {
  try {
    compileAllowList(allow);
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('allowed()', () => {
  const rules = compileAllowList(['GET /v1/centers', 'GET /v1/centers/:id/services', 'POST /v1/things/*']);

  it('matches literals case-insensitively, :param one Zenoti id, * one or more', () => {
    expect(allowed(rules, 'GET', ['V1', 'Centers'])).toBe(true);
    expect(allowed(rules, 'HEAD', ['v1', 'centers'])).toBe(true);
    expect(allowed(rules, 'GET', ['v1', 'centers', ID, 'services'])).toBe(true);
    expect(allowed(rules, 'POST', ['v1', 'things', 'a', 'b'])).toBe(true);
    expect(allowed(rules, 'POST', ['v1', 'things'])).toEqual([]);
    expect(allowed(rules, 'GET', ['v1', 'centers', ID])).toEqual([]);
    expect(allowed(rules, 'DELETE', ['v1', 'centers'])).toEqual(['GET']);
  });
});

describe('compileAllowList(): parameters match ids, not Zenoti words', () => {
  it('a bare :name matches a GUID in any case, and nothing else', () => {
    const rules = compileAllowList(['GET /v1/guests/:id']);
    expect(allowed(rules, 'GET', ['v1', 'guests', ID])).toBe(true);
    expect(allowed(rules, 'GET', ['v1', 'guests', ID.toUpperCase()])).toBe(true);
    for (const segment of ['search', 'SEARCH', 'x', '123', `${ID}x`, ID.slice(1), ID.replaceAll('-', '')]) {
      expect(allowed(rules, 'GET', ['v1', 'guests', segment]), segment).toEqual([]);
    }
  });

  it(':name{pattern} narrows or widens it, anchored to the whole of one segment', () => {
    const code = compileAllowList(['GET /v1/centers/:code{[A-Z0-9]+}']);
    expect(allowed(code, 'GET', ['v1', 'centers', 'DSD01'])).toBe(true);
    expect(allowed(code, 'GET', ['v1', 'centers', 'dsd01'])).toEqual([]);
    expect(allowed(code, 'GET', ['v1', 'centers', 'DSD-01'])).toEqual([]);
    const any = compileAllowList(['GET /v1/things/:any{[^/]+}/parts']);
    expect(allowed(any, 'GET', ['v1', 'things', 'search', 'parts'])).toBe(true);
    // Quantifier braces inside the pattern; alternatives anchored as a whole.
    const digits = compileAllowList(['GET /v1/n/:n{\\d{3}|x}']);
    expect(allowed(digits, 'GET', ['v1', 'n', '123'])).toBe(true);
    expect(allowed(digits, 'GET', ['v1', 'n', 'x'])).toBe(true);
    for (const segment of ['1234', '123x', 'x1', 'xx']) {
      expect(allowed(digits, 'GET', ['v1', 'n', segment]), segment).toEqual([]);
    }
  });

  it('a bad pattern or unbalanced braces are INVALID_OPTIONS naming the entry', () => {
    for (const [allow, field] of [
      [['GET /v1/centers', 'GET /v1/x/:id{[}'], 'allow[1]'],
      [['GET /v1/x/:id{(}'], 'allow[0]'],
      [['GET /v1/x/:id{a'], 'allow[0]'],
      [['GET /v1/x/:id}'], 'allow[0]'],
      [['GET /v1/x/:{a}'], 'allow[0]'],
    ] as const) {
      const error = compileError(allow);
      expect(error, allow.join()).toBeInstanceOf(ZenotiAuthError);
      expect(error).toMatchObject({ code: 'INVALID_OPTIONS', field });
    }
  });

  it('marks rules wide when a parameter or * also matches a word such as search', () => {
    const wide = (entry: string) => compileAllowList([entry])[0]?.wide;
    expect(wide('GET /v1/guests/:id')).toBe(false);
    expect(wide('GET /v1/guests/:id{\\d+}')).toBe(false);
    expect(wide('GET /v1/centers')).toBe(false);
    expect(wide('GET /v1/guests/:id{[^/]+}')).toBe(true);
    expect(wide('GET /v1/guests/:id{.+}')).toBe(true);
    // Zenoti matches paths in any case, so /v1/guests/SEARCH is the search too.
    expect(wide('GET /v1/guests/:code{[A-Z0-9]+}')).toBe(true);
    expect(wide('GET /v1/guests/*')).toBe(true);
  });
});
