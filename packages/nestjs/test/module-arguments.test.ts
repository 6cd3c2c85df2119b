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

const ASYNC_WITHOUT_FACTORY = 'needs useFactory, useClass or useExisting.';

describe('a module given something that is not options fails with INVALID_OPTIONS naming the problem', () => {
  it.each([
    [
      'ZenotiAuthModule.forRoot(undefined)',
      () => ZenotiAuthModule.forRoot(untyped(undefined)),
      'options',
      'ZenotiAuthModule.forRoot() needs an options object (got undefined).',
    ],
    [
      'ZenotiAuthModule.forRoot(null)',
      () => ZenotiAuthModule.forRoot(untyped(null)),
      'options',
      'ZenotiAuthModule.forRoot() needs an options object (got null).',
    ],
    [
      "ZenotiAuthModule.forRoot('x')",
      () => ZenotiAuthModule.forRoot(untyped('x')),
      'options',
      'ZenotiAuthModule.forRoot() needs an options object (got a string).',
    ],
    [
      'ZenotiAuthModule.forRoot([])',
      () => ZenotiAuthModule.forRoot(untyped([])),
      'options',
      'ZenotiAuthModule.forRoot() needs an options object (got an array).',
    ],
    [
      'ZenotiAuthModule.forRoot({ extraProviders: {} })',
      () => ZenotiAuthModule.forRoot(untyped({ apiKey: D.apiKey, extraProviders: {} })),
      'extraProviders',
      'ZenotiAuthModule.forRoot(): option "extraProviders" must be an array (got an object).',
    ],
    [
      'ZenotiAuthModule.forRootAsync({})',
      () => ZenotiAuthModule.forRootAsync({}),
      'useFactory',
      `ZenotiAuthModule.forRootAsync() ${ASYNC_WITHOUT_FACTORY}`,
    ],
    [
      'ZenotiAuthModule.forRootAsync({ inject, imports }) without a factory',
      () => ZenotiAuthModule.forRootAsync({ imports: [], inject: [] }),
      'useFactory',
      `ZenotiAuthModule.forRootAsync() ${ASYNC_WITHOUT_FACTORY}`,
    ],
    [
      'ZenotiAuthModule.forRootAsync(undefined)',
      () => ZenotiAuthModule.forRootAsync(untyped(undefined)),
      'options',
      'ZenotiAuthModule.forRootAsync() needs an options object (got undefined).',
    ],
    [
      "ZenotiAuthModule.forRootAsync({ useFactory: 'x' })",
      () => ZenotiAuthModule.forRootAsync({ useFactory: untyped('x') }),
      'useFactory',
      'ZenotiAuthModule.forRootAsync(): option "useFactory" must be a function (got a string).',
    ],
    [
      'ZenotiAuthModule.forRootAsync({ useClass: {} })',
      () => ZenotiAuthModule.forRootAsync({ useClass: untyped({}) }),
      'useClass',
      'ZenotiAuthModule.forRootAsync(): option "useClass" must be a function (got an object).',
    ],
    [
      "ZenotiAuthModule.forRootAsync({ useFactory, inject: 'Config' })",
      () =>
        ZenotiAuthModule.forRootAsync({
          useFactory: () => ({ apiKey: D.apiKey }),
          inject: untyped('Config'),
        }),
      'inject',
      'ZenotiAuthModule.forRootAsync(): option "inject" must be an array (got a string).',
    ],
    [
      'ZenotiHttpModule.register(null)',
      () => ZenotiHttpModule.register(untyped(null)),
      'options',
      'ZenotiHttpModule.register() needs an options object (got null).',
    ],
    [
      "ZenotiHttpModule.register('x')",
      () => ZenotiHttpModule.register(untyped('x')),
      'options',
      'ZenotiHttpModule.register() needs an options object (got a string).',
    ],
    [
      'ZenotiHttpModule.register({ imports: module })',
      () => ZenotiHttpModule.register({ imports: untyped(ZenotiAuthModule) }),
      'imports',
      'ZenotiHttpModule.register(): option "imports" must be an array (got a function).',
    ],
    [
      'ZenotiHttpModule.register({ name: 42 })',
      () => ZenotiHttpModule.register({ name: untyped(42) }),
      'name',
      'ZenotiHttpModule: option "name" must be a non-empty string without surrounding whitespace.',
    ],
    [
      'ZenotiHttpModule.registerAsync({})',
      () => ZenotiHttpModule.registerAsync({}),
      'useFactory',
      `ZenotiHttpModule.registerAsync() ${ASYNC_WITHOUT_FACTORY}`,
    ],
    [
      'ZenotiHttpModule.registerAsync(undefined)',
      () => ZenotiHttpModule.registerAsync(untyped(undefined)),
      'options',
      'ZenotiHttpModule.registerAsync() needs an options object (got undefined).',
    ],
  ])('%s', async (_, define, field, message) => {
    // Thrown when the module is defined, before Nest builds anything: neither a TypeError from
    // Nest's module builder nor its resolver error at compile().
    expect(define).toThrow(expect.objectContaining({ code: 'INVALID_OPTIONS', field }));
    const error = await failure(define);
    expect(error).toMatchObject({ code: 'INVALID_OPTIONS', field });
    expect(error.message).toContain(message);
    expect(error.message).not.toContain(D.apiKey);
  });
});
