import { invalidOption } from '@zenoti-auth/core';
import type { CreateAxiosDefaults } from 'axios';

/** Options that shape the module itself (`ZenotiHttpModuleExtras`): Nest reads them when the module is imported. */
const MODULE_EXTRAS = ['name', 'imports'];

const fail = (field: string, problem: string): never => {
  throw invalidOption('nestjs', field, problem);
};

/** An absolute URL without trailing slashes, as core keeps the engine's `baseUrl`; `undefined` if not a URL. */
function normalised(url: string): string | undefined {
  try {
    return new URL(url).href.replace(/\/+$/, '');
  } catch {
    return undefined;
  }
}

/**
 * The axios defaults of `ZenotiHttpModule`'s options (from `register()` or a `registerAsync()`
 * factory), checked: an object holding `axiosConfig` only (module extras belong beside the factory),
 * and an `axiosConfig.baseURL`, if given, that is the engine's own base URL — the service always
 * calls that one, so another would be ignored without a word. Errors name the field, never a value.
 */
export function axiosDefaultsOf(options: unknown, engineBaseUrl: string): CreateAxiosDefaults {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null || Array.isArray(options))
    return fail('options', 'of ZenotiHttpModule must be an object');
  for (const field of Object.keys(options)) {
    if (MODULE_EXTRAS.includes(field))
      fail(
        field,
        `belongs beside useFactory in ZenotiHttpModule.registerAsync({ ${field}, useFactory, … }), not in the ` +
          'options it returns: Nest reads it when the module is imported, before any factory runs',
      );
    if (field !== 'axiosConfig')
      fail(field, 'is not a known option of ZenotiHttpModule (it takes axiosConfig)');
  }
  const { axiosConfig } = options as { axiosConfig?: unknown };
  if (axiosConfig === undefined) return {};
  if (typeof axiosConfig !== 'object' || axiosConfig === null)
    return fail('axiosConfig', 'of ZenotiHttpModule must be an object');
  const { baseURL } = axiosConfig as CreateAxiosDefaults;
  if (baseURL !== undefined && (typeof baseURL !== 'string' || normalised(baseURL) !== engineBaseUrl))
    fail(
      'axiosConfig.baseURL',
      "of ZenotiHttpModule differs from the engine's base URL (the baseUrl of ZenotiAuthModule's options): " +
        "ZenotiHttpService always calls the engine's. Set baseUrl in ZenotiAuthModule's options and leave axiosConfig.baseURL out",
    );
  return axiosConfig as CreateAxiosDefaults;
}
