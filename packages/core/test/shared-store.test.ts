import { describe, expect, it } from 'vitest';
import { encryption } from '../src/encryption.ts';
import type { TokenSet } from '../src/index.ts';
import {
  BUDGET_OPTION_RULES,
  durationRule,
  openTokenSet,
  resolveOptions,
  STORE_OPTION_RULES,
  sealTokenSet,
  tokenSetProblem,
} from '../src/shared-store/index.ts';

// What @zenoti-auth/redis and @zenoti-auth/cloudflare build their stores and budgets on; their own
// option tests check the same rules through their constructors.

const table = {
  ...STORE_OPTION_RULES,
  callTimeoutMs: durationRule(10, 5_000),
  client: { test: Boolean, expected: 'a client' },
};
const resolve = (options: unknown) =>
  resolveOptions('x', 'XStore', options as object, table, {
    required: 'client',
    shape: 'an object with "client"',
  });

describe('the option table of shared stores and budgets', () => {
  it('applies the defaults and keeps what was given', () => {
    expect(resolve({ client: 'c', lockTtlMs: 500 })).toEqual({
      client: 'c',
      lockTtlMs: 500,
      waitTimeoutMs: 30_000,
      callTimeoutMs: 5_000,
    });
    const budget = resolveOptions('x', 'XBudget', {}, BUDGET_OPTION_RULES, {
      required: 'none',
      shape: 'an object',
    });
    expect(budget).toEqual({ limit: 60, intervalMs: 60_000 });
  });

  it('names the option, the package and the range; shows a number, never another value', () => {
    const error = (options: unknown) => {
      try {
        resolve(options);
      } catch (thrown) {
        return thrown as { code: string; field: string; message: string };
      }
      throw new Error('accepted');
    };
    expect(error('s3cret')).toMatchObject({ code: 'INVALID_OPTIONS', field: 'options' });
    expect(error({}).field).toBe('client');
    expect(error({ client: 'c', lockTtl: 5 }).message).toBe(
      '[@zenoti-auth/x] Option "lockTtl" is unknown to XStore.',
    );
    expect(error({ client: 'c', waitTimeoutMs: -1 }).message).toBe(
      '[@zenoti-auth/x] Option "waitTimeoutMs" must be a number of milliseconds from 0 to 86400000, got -1.',
    );
    const secret = error({ client: 'c', encryption: 'k3y-0f-32-characters-or-more!!!' });
    expect(secret.field).toBe('encryption');
    expect(secret.message).not.toContain('k3y');
  });
});

describe('the stored form of a token set', () => {
  const set: TokenSet = {
    accessToken: 'a'.repeat(40),
    accessTokenExpiresAt: 2e12,
    obtainedAt: 1e12,
    version: 7,
  };

  it('round-trips in plain text and sealed, bound to its key and version', async () => {
    expect(await openTokenSet(undefined, 'k', await sealTokenSet(undefined, 'k', set))).toEqual(set);
    const cipher = encryption('a passphrase of thirty-two characters or more');
    const sealed = await sealTokenSet(cipher, 'k', set);
    expect(sealed).toMatchObject({ v: 7 });
    expect(JSON.stringify(sealed)).not.toContain(set.accessToken);
    expect(await openTokenSet(cipher, 'k', sealed)).toEqual(set);
    expect(await openTokenSet(cipher, 'other', sealed)).toBe(
      'could not be decrypted (changed or moved data)',
    );
    expect(await openTokenSet(cipher, 'k', { ...sealed, v: 8 })).toBe(
      'could not be decrypted (changed or moved data)',
    );
    expect(await openTokenSet(undefined, 'k', sealed)).toBe('is encrypted but no encryption is configured');
    expect(await openTokenSet(cipher, 'k', { v: 7, s: set })).toBe(
      'is in plain text but encryption is configured',
    );
    expect(await openTokenSet(undefined, 'k', undefined)).toBe('is not a token-set envelope');
  });

  it('says what is wrong with a set to keep, never showing it', () => {
    expect(tokenSetProblem(set)).toBeUndefined();
    expect(tokenSetProblem({ ...set, version: 1.5 })).toBe('needs a whole-number "version"');
    expect(tokenSetProblem({ ...set, accessTokenExpiresAt: Number.NaN })).toBe('is not a valid token set');
    expect(tokenSetProblem({ ...set, refreshClaim: { by: 3 as never, until: 1 } })).toBe(
      'is not a valid token set',
    );
    expect(tokenSetProblem({ ...set, tokenId: 'x'.repeat(20_000) })).toBe('is over 16384 characters');
  });
});
