import { describe, expect, it } from 'vitest';
import { checkPath } from '../src/proxy/path-guard.ts';

describe('checkPath()', () => {
  it('returns decoded segments below the prefix', () => {
    expect(checkPath('/api/zenoti/v1/centers/abc', '/api/zenoti')).toEqual(['v1', 'centers', 'abc']);
    expect(checkPath('/v1/c%65nters', '')).toEqual(['v1', 'centers']);
    expect(checkPath('/v1/centers/a%20b', '')).toEqual(['v1', 'centers', 'a b']);
  });

  it('answers 400 for anything that could change the host or the path upstream', () => {
    const bad = [
      'v1/centers', // not origin-form
      'http://evil/v1/centers',
      '//evil/v1/centers',
      '/v1//centers',
      '/v1\\centers',
      '/v1%5Ccenters',
      '/v1%2fcenters',
      '/v1%252fcenters',
      '/v1/%2e%2e/x',
      '/v1/%2E%2E/x',
      '/v1/.%2e/x',
      '/v1/%2e/x',
      '/v1/../x',
      '/v1/./x',
      '/v1/..',
      '/v1/centers/',
      '/v1/%zz',
      '/v1/%00',
      '/v1/%0a',
      '/v1/a\tb',
    ];
    for (const path of bad) expect(checkPath(path, ''), path).toBe(400);
  });

  it('answers 404 outside the prefix', () => {
    expect(checkPath('/api/other/v1', '/api/zenoti')).toBe(404);
    expect(checkPath('/api/zenoti', '/api/zenoti')).toBe(404);
    expect(checkPath('/api/zenotix/v1', '/api/zenoti')).toBe(404);
  });
});
