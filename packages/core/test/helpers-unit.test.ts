import { describe, expect, it } from 'vitest';
import {
  formatAuthorization,
  parseAuthorization,
  parseZenotiDate,
  redact,
  redactAuthorization,
} from '../src/index.ts';

describe('parseZenotiDate', () => {
  it('reads Zenoti’s seven fractional digits as UTC', () => {
    expect(parseZenotiDate('2022-06-08T11:19:18.7016839Z')).toBe(Date.UTC(2022, 5, 8, 11, 19, 18, 701));
  });
  it('takes a date-time without a zone as UTC, whatever the local zone', () => {
    expect(parseZenotiDate('2022-06-08T11:19:18.7016839')).toBe(Date.UTC(2022, 5, 8, 11, 19, 18, 701));
    expect(parseZenotiDate('2017-10-25T21:45:00')).toBe(Date.UTC(2017, 9, 25, 21, 45, 0));
  });
  it('applies explicit offsets', () => {
    expect(parseZenotiDate('2022-06-08T16:49:18+05:30')).toBe(Date.UTC(2022, 5, 8, 11, 19, 18));
    expect(parseZenotiDate('2022-06-08T06:19:18-0500')).toBe(Date.UTC(2022, 5, 8, 11, 19, 18));
  });
  it.each([
    ['not a date'],
    [''],
    [42],
    [null],
    ['2022-02-30T00:00:00Z'],
    ['2022-06-08T25:00:00Z'],
    ['2022-06-08'],
  ])('returns undefined for %j', (value) => {
    expect(parseZenotiDate(value)).toBeUndefined();
  });
});

describe('Authorization helpers', () => {
  it('formats the documented lower-case schemes', () => {
    expect(formatAuthorization('apikey', 'abc')).toBe('apikey abc');
    expect(formatAuthorization('bearer', 'AN:x|$ARD#y')).toBe('bearer AN:x|$ARD#y');
  });
  it('parses either scheme case-insensitively', () => {
    expect(parseAuthorization('Bearer tok')).toEqual({ scheme: 'bearer', credential: 'tok' });
    expect(parseAuthorization('APIKEY k1')).toEqual({ scheme: 'apikey', credential: 'k1' });
    expect(parseAuthorization('Basic dXNlcg==')).toBeUndefined();
    expect(parseAuthorization('bearer')).toBeUndefined();
    expect(parseAuthorization(undefined)).toBeUndefined();
  });
  it('redacts to a short fingerprint', () => {
    expect(redact('0123456789abcdefab68')).toBe('…ab68');
    expect(redact('short')).toBe('…');
    expect(redactAuthorization('bearer 0123456789abcdefab68')).toBe('bearer …ab68');
    expect(redactAuthorization('something else entirely')).toBe('…');
  });
});
