import type { DynamicModule } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { isZenotiAuthError, type ZenotiAuthError } from '@zenoti-auth/core';
import { ZenotiAuthModule } from '@zenoti-auth/nestjs';
import { ZenotiHttpModule } from '@zenoti-auth/nestjs/http';
import { describe, expect, it } from 'vitest';
import { D } from './support.ts';

/** Deliberately wrong arguments, as they could arrive from untyped code or configuration. */
const untyped = <T>(value: unknown): T => value as T;

/**
 * Defines a module with `define` and compiles a testing module importing it (beside a global
 * `ZenotiAuth`, for the HTTP module), and returns the error it fails with, wherever it fails.
 */
async function failure(define: () => DynamicModule): Promise<ZenotiAuthError> {
  let error: unknown;
  try {
    const auth = ZenotiAuthModule.forRoot({
      baseUrl: 'http://127.0.0.1:9',
      apiKey: D.apiKey,
      isGlobal: true,
    });
    await (await Test.createTestingModule({ imports: [auth, define()] }).compile()).close();
  } catch (caught) {
    error = caught;
  }
  if (!isZenotiAuthError(error)) throw new Error(`expected a ZenotiAuthError, got: ${String(error)}`);
  return error;
}

const ASYNC_WITHOUT_FACTORY = 'is missing: give useFactory, useClass or useExisting.';

describe('a module given something that is not options fails with INVALID_OPTIONS naming the problem', () => {
  it.each([
    [
      'ZenotiAuthModule.forRoot(undefined)',
      () => ZenotiAuthModule.forRoot(untyped(undefined)),
      'options',
      'Option "options" of ZenotiAuthModule.forRoot() must be an object (got undefined).',
    ],
    [
      'ZenotiAuthModule.forRoot(null)',
      () => ZenotiAuthModule.forRoot(untyped(null)),
      'options',
      'Option "options" of ZenotiAuthModule.forRoot() must be an object (got null).',
    ],
    [
      "ZenotiAuthModule.forRoot('x')",
      () => ZenotiAuthModule.forRoot(untyped('x')),
      'options',
      'Option "options" of ZenotiAuthModule.forRoot() must be an object (got a string).',
    ],
    [
      'ZenotiAuthModule.forRoot([])',
      () => ZenotiAuthModule.forRoot(untyped([])),
      'options',
      'Option "options" of ZenotiAuthModule.forRoot() must be an object (got an array).',
    ],
    [
      'ZenotiAuthModule.forRoot({ extraProviders: {} })',
      () => ZenotiAuthModule.forRoot(untyped({ apiKey: D.apiKey, extraProviders: {} })),
      'extraProviders',
      'Option "extraProviders" of ZenotiAuthModule.forRoot() must be an array (got an object).',
    ],
    [
      'ZenotiAuthModule.forRootAsync({})',
      () => ZenotiAuthModule.forRootAsync({}),
      'useFactory',
      `Option "useFactory" of ZenotiAuthModule.forRootAsync() ${ASYNC_WITHOUT_FACTORY}`,
    ],
    [
      'ZenotiAuthModule.forRootAsync({ inject, imports }) without a factory',
      () => ZenotiAuthModule.forRootAsync({ imports: [], inject: [] }),
      'useFactory',
      `Option "useFactory" of ZenotiAuthModule.forRootAsync() ${ASYNC_WITHOUT_FACTORY}`,
    ],
    [
      'ZenotiAuthModule.forRootAsync(undefined)',
      () => ZenotiAuthModule.forRootAsync(untyped(undefined)),
      'options',
      'Option "options" of ZenotiAuthModule.forRootAsync() must be an object (got undefined).',
    ],
    [
      "ZenotiAuthModule.forRootAsync({ useFactory: 'x' })",
      () => ZenotiAuthModule.forRootAsync({ useFactory: untyped('x') }),
      'useFactory',
      'Option "useFactory" of ZenotiAuthModule.forRootAsync() must be a function (got a string).',
    ],
    [
      'ZenotiAuthModule.forRootAsync({ useClass: {} })',
      () => ZenotiAuthModule.forRootAsync({ useClass: untyped({}) }),
      'useClass',
      'Option "useClass" of ZenotiAuthModule.forRootAsync() must be a function (got an object).',
    ],
    [
      "ZenotiAuthModule.forRootAsync({ useFactory, inject: 'Config' })",
      () =>
        ZenotiAuthModule.forRootAsync({
          useFactory: () => ({ apiKey: D.apiKey }),
          inject: untyped('Config'),
        }),
      'inject',
      'Option "inject" of ZenotiAuthModule.forRootAsync() must be an array (got a string).',
    ],
    [
      'ZenotiHttpModule.register(null)',
      () => ZenotiHttpModule.register(untyped(null)),
      'options',
      'Option "options" of ZenotiHttpModule.register() must be an object (got null).',
    ],
    [
      "ZenotiHttpModule.register('x')",
      () => ZenotiHttpModule.register(untyped('x')),
      'options',
      'Option "options" of ZenotiHttpModule.register() must be an object (got a string).',
    ],
    [
      'ZenotiHttpModule.register({ imports: module })',
      () => ZenotiHttpModule.register({ imports: untyped(ZenotiAuthModule) }),
      'imports',
      'Option "imports" of ZenotiHttpModule.register() must be an array (got a function).',
    ],
    [
      'ZenotiHttpModule.register({ name: 42 })',
      () => ZenotiHttpModule.register({ name: untyped(42) }),
      'name',
      'Option "name" of ZenotiHttpModule must be a non-empty string without surrounding whitespace.',
    ],
    [
      'ZenotiHttpModule.registerAsync({})',
      () => ZenotiHttpModule.registerAsync({}),
      'useFactory',
      `Option "useFactory" of ZenotiHttpModule.registerAsync() ${ASYNC_WITHOUT_FACTORY}`,
    ],
    [
      'ZenotiHttpModule.registerAsync(undefined)',
      () => ZenotiHttpModule.registerAsync(untyped(undefined)),
      'options',
      'Option "options" of ZenotiHttpModule.registerAsync() must be an object (got undefined).',
    ],
  ])('%s', async (_, define, field, message) => {
    // Thrown when the module is defined, before Nest builds anything: neither a TypeError from
    // Nest's module builder nor its resolver error at compile().
    expect(define).toThrow(expect.objectContaining({ code: 'INVALID_OPTIONS', field }));
    const error = await failure(define);
    expect(error).toMatchObject({ code: 'INVALID_OPTIONS', field });
    expect(error.message).toBe(`[@zenoti-auth/nestjs] ${message}`);
    expect(error.message).not.toContain(D.apiKey);
  });
});
