import { invalidOption, type ZenotiAuthOptions } from '@zenoti-auth/core';
import type { ZenotiAuthModuleOptions } from './zenoti-auth.interfaces.ts';
import { checkLogEvents } from './zenoti-auth.log-selection.ts';

/**
 * Options that shape the module itself (`ZenotiAuthModuleExtras`), and why a factory cannot give
 * them: Nest reads them when the module is imported, before any factory has run. `forRoot()` takes
 * them out of its options (Nest's builder does), so here they can only come from a factory.
 */
const MODULE_EXTRAS: Readonly<Record<string, string>> = {
  isGlobal: 'Nest decides whether a module is global when it is imported, before any factory runs',
  name: "Nest registers the configuration's injection token when the module is imported, before any factory runs",
  extraProviders: 'Nest registers providers when the module is imported, before any factory runs',
};

/**
 * Core's options without the module's settings, which are checked here; core checks the rest (naming
 * the field). Module extras among them fail, saying where they belong.
 */
export function engineOptions(options: unknown): ZenotiAuthOptions {
  // Not an object: core produces its usual error, naming "options".
  if (typeof options !== 'object' || options === null || Array.isArray(options))
    return options as ZenotiAuthOptions;
  for (const [field, why] of Object.entries(MODULE_EXTRAS)) {
    if (field in options)
      throw invalidOption(
        'nestjs',
        field,
        `belongs beside useFactory in ZenotiAuthModule.forRootAsync({ ${field}, useFactory, … }) ` +
          `(or useClass / useExisting), not in the options they return: ${why}`,
      );
  }
  const { revokeOnShutdown, logEvents, ...engine } = options as ZenotiAuthModuleOptions;
  if (revokeOnShutdown !== undefined && typeof revokeOnShutdown !== 'boolean')
    throw invalidOption('nestjs', 'revokeOnShutdown', 'of ZenotiAuthModule must be true or false');
  checkLogEvents(logEvents);
  return engine as ZenotiAuthOptions;
}
