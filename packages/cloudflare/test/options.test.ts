import { ZenotiAuthError } from '@zenoti-auth/core';
import { encryption } from '@zenoti-auth/core/encryption';
import { describe, expect, it } from 'vitest';
import {
  type DurableObjectNamespaceLike,
  DurableObjectRateBudget,
  DurableObjectTokenStore,
} from '../src/index.ts';

// The options are checked at construction, before any call: a namespace that is never called will do.
const namespace = (): DurableObjectNamespaceLike => ({
  idFromName: () => {
    throw new Error('not called');
  },
  get: () => {
    throw new Error('not called');
  },
});

function thrown(make: () => unknown): ZenotiAuthError {
  try {
    make();
  } catch (error) {
    return error as ZenotiAuthError;
  }
  throw new Error('did not throw');
}

describe('DurableObjectTokenStore options', () => {
  it.each([
    [
      'namespace',
      {},
      'must be a Durable Object namespace binding (env.ZENOTI_AUTH) of the ZenotiAuthObject class',
    ],
    ['namespace', { namespace: 'ZENOTI_AUTH' }, 'must be a Durable Object namespace binding'],
    [
      'lockTtlMs',
      { namespace: namespace(), lockTtlMs: 5 },
      'must be a number of milliseconds from 100 to 86400000, got 5',
    ],
    ['name', { namespace: namespace(), name: '' }, 'must be a non-empty string of at most 200 characters'],
    ['encryption', { namespace: namespace(), encryption: 'a'.repeat(40) }, 'must be a TokenSetCipher'],
    [
      'encryptionKey',
      { namespace: namespace(), encryptionKey: 'a'.repeat(40) },
      'is unknown to DurableObjectTokenStore',
    ],
  ])(
    'rejects a bad "%s" with INVALID_OPTIONS naming it, never showing a secret',
    (field, options, problem) => {
      const error = thrown(() => new DurableObjectTokenStore(options as never));
      expect(error).toBeInstanceOf(ZenotiAuthError);
      expect(error.code).toBe('INVALID_OPTIONS');
      expect(error.field).toBe(field);
      expect(error.message).toContain(`[@zenoti-auth/cloudflare] Option "${field}" ${problem}`);
      expect(error.message).not.toContain('a'.repeat(40));
    },
  );

  it('is one store per isolate for one namespace and the same options: a store built per request keeps one engine', () => {
    const ns = namespace();
    const cipher = encryption('options-test passphrase, 32+ characters');
    const first = new DurableObjectTokenStore({ namespace: ns, encryption: cipher });
    expect(new DurableObjectTokenStore({ namespace: ns, encryption: cipher })).toBe(first);
    expect(
      new DurableObjectTokenStore({ namespace: ns, encryption: cipher, onWarning: () => undefined }),
    ).toBe(first);
    // Other options, another namespace or another cipher: another store.
    expect(new DurableObjectTokenStore({ namespace: ns })).not.toBe(first);
    expect(new DurableObjectTokenStore({ namespace: ns, encryption: cipher, lockTtlMs: 2_000 })).not.toBe(
      first,
    );
    expect(new DurableObjectTokenStore({ namespace: namespace(), encryption: cipher })).not.toBe(first);
    expect(
      new DurableObjectTokenStore({
        namespace: ns,
        encryption: encryption('another passphrase, 32+ characters!'),
      }),
    ).not.toBe(first);
  });

  it('shows no binding and no key in toJSON()', () => {
    const store = new DurableObjectTokenStore({
      namespace: namespace(),
      name: 'tokens',
      encryption: encryption('a secret passphrase, 32+ characters'),
    });
    expect(store.toJSON()).toEqual({
      type: 'DurableObjectTokenStore',
      name: 'tokens',
      encrypted: true,
      lockTtlMs: 10_000,
      waitTimeoutMs: 30_000,
      callTimeoutMs: 5_000,
    });
  });
});

describe('DurableObjectRateBudget options', () => {
  it.each([
    ['namespace', {}],
    ['limit', { namespace: namespace(), limit: 0 }],
    ['limit', { namespace: namespace(), limit: 1e300 }],
    ['intervalMs', { namespace: namespace(), intervalMs: -1 }],
    ['intervalMs', { namespace: namespace(), intervalMs: Number.POSITIVE_INFINITY }],
    ['intervalMs', { namespace: namespace(), intervalMs: 86_400_001 }],
    ['callTimeoutMs', { namespace: namespace(), callTimeoutMs: Number.NaN }],
    ['account', { namespace: namespace(), account: '' }],
    ['account', { namespace: namespace(), account: 'a'.repeat(201) }],
    ['onWarning', { namespace: namespace(), onWarning: 'console' }],
    ['client', { namespace: namespace(), client: {} }],
  ])('rejects a bad "%s" with INVALID_OPTIONS naming it', (field, options) => {
    const error = thrown(() => new DurableObjectRateBudget(options as never));
    expect(error.code).toBe('INVALID_OPTIONS');
    expect(error.field).toBe(field);
  });

  it('is named by its object and limits in toJSON() (two budgets of one name are one in an engine cache)', () => {
    expect(new DurableObjectRateBudget({ namespace: namespace(), limit: 120 }).toJSON()).toEqual({
      type: 'DurableObjectRateBudget',
      name: 'zenoti-auth:rate-budget',
      limit: 120,
      intervalMs: 60_000,
    });
    expect(new DurableObjectRateBudget({ namespace: namespace(), account: 'Acme' }).toJSON()).toMatchObject({
      name: 'zenoti-auth:rate-budget:acme',
    });
  });

  it('gives each account a budget of its own object, and with `account`, warns of an engine of another', () => {
    const budget = new DurableObjectRateBudget({ namespace: namespace() });
    const acme = budget.forAccount('Acme');
    expect(budget.forAccount('ACME')).toBe(acme); // one per account, whatever its case: one queue
    expect([acme, budget.forAccount('other')].map((b) => JSON.parse(JSON.stringify(b)).name)).toEqual([
      'zenoti-auth:rate-budget:acme',
      'zenoti-auth:rate-budget:other',
    ]);

    const warnings: string[] = [];
    const fixed = new DurableObjectRateBudget({
      namespace: namespace(),
      account: 'acme',
      onWarning: (message) => warnings.push(message),
    });
    expect(fixed.forAccount('ACME')).toBe(fixed);
    expect(warnings).toEqual([]);
    expect(fixed.forAccount('other')).toBe(fixed);
    fixed.forAccount('other');
    expect(warnings).toEqual([
      '[@zenoti-auth/cloudflare] The rate budget of "acme" paces "other" too: two organisations, one window.',
    ]);
  });
});

// Compiled by the typecheck with exactOptionalPropertyTypes: an option given as `undefined` (a value
// read from `env` that may be missing) takes its default.
describe('option types under exactOptionalPropertyTypes', () => {
  it('take `undefined` for every optional option', () => {
    const env: Record<string, string | undefined> = {};
    const store = new DurableObjectTokenStore({
      namespace: namespace(),
      name: env.ZENOTI_AUTH_NAME,
      lockTtlMs: undefined,
      waitTimeoutMs: undefined,
      callTimeoutMs: undefined,
      encryption: undefined,
      onWarning: undefined,
    });
    const budget = new DurableObjectRateBudget({
      namespace: namespace(),
      name: undefined,
      account: env.ZENOTI_ACCOUNT_NAME,
      limit: undefined,
      intervalMs: undefined,
      callTimeoutMs: undefined,
      onWarning: undefined,
    });
    expect(JSON.stringify(store)).toContain('DurableObjectTokenStore');
    expect(budget.limit).toBe(60);
  });
});
