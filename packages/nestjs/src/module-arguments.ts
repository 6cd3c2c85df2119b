import { invalidOption } from '@zenoti-auth/core';

/**
 * Checks of what `ZenotiAuthModule` / `ZenotiHttpModule` are given, run before Nest's
 * `ConfigurableModuleBuilder` reads it: the builder would fail with a `TypeError` (`forRoot(null)`)
 * or, for an async variant without a factory, register an options provider that nothing can build
 * and fail only at `compile()`, with a resolver error. These fail when the module is defined, with
 * `INVALID_OPTIONS` naming the problem: `[@zenoti-auth/nestjs] Option "<field>" of <method>() …`.
 */

/** What a value is, for a message: never the value itself (it may hold a secret). */
function kindOf(value: unknown): string {
  if (value === undefined || value === null) return String(value);
  if (typeof value === 'object') return Array.isArray(value) ? 'an array' : 'an object';
  return `a ${typeof value}`;
}

const given = (value: unknown): boolean => value !== undefined && value !== null;

/**
 * The argument of `forRoot()` / `register()` (and of the async variants) is an options object, and
 * each of its `arrays` (module lists Nest spreads: `imports`, `extraProviders` …) is an array when given.
 */
export function checkArgument(method: string, options: unknown, arrays: readonly string[]): void {
  if (typeof options !== 'object' || options === null || Array.isArray(options))
    throw invalidOption('nestjs', 'options', `of ${method}() must be an object (got ${kindOf(options)})`);
  for (const field of arrays) {
    const value = (options as Record<string, unknown>)[field];
    if (given(value) && !Array.isArray(value))
      throw invalidOption('nestjs', field, `of ${method}() must be an array (got ${kindOf(value)})`);
  }
}

/**
 * The argument of `forRootAsync()` / `registerAsync()` also says how the options are made: a
 * `useFactory` function, a `useClass` class or a `useExisting` provider token.
 */
export function checkAsyncArgument(method: string, options: unknown, arrays: readonly string[]): void {
  checkArgument(method, options, ['imports', 'inject', ...arrays]);
  const { useFactory, useClass, useExisting } = options as Record<string, unknown>;
  if (!given(useFactory) && !given(useClass) && !given(useExisting))
    throw invalidOption(
      'nestjs',
      'useFactory',
      `of ${method}() is missing: give useFactory, useClass or useExisting`,
    );
  for (const [field, value] of Object.entries({ useFactory, useClass })) {
    if (given(value) && typeof value !== 'function')
      throw invalidOption('nestjs', field, `of ${method}() must be a function (got ${kindOf(value)})`);
  }
}

/** A configuration's `name`: absent, or a non-empty string without surrounding whitespace. */
export function checkName(module: string, name: unknown): void {
  if (name !== undefined && (typeof name !== 'string' || name === '' || name !== name.trim()))
    throw invalidOption(
      'nestjs',
      'name',
      `of ${module} must be a non-empty string without surrounding whitespace`,
    );
}
