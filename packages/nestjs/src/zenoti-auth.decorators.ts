import { Inject } from '@nestjs/common';
import { getZenotiAuthToken } from './zenoti-auth.constants.ts';

/**
 * Injects the `ZenotiAuth` of a configuration: the default one without a name, or the one registered
 * with `ZenotiAuthModule.forRoot({ name })`. Explicit, so it works without `emitDecoratorMetadata`
 * (tsx, esbuild, swc without metadata).
 *
 * @example
 * constructor(@InjectZenotiAuth('other') private readonly other: ZenotiAuth) {}
 */
export function InjectZenotiAuth(name?: string): PropertyDecorator & ParameterDecorator {
  return Inject(getZenotiAuthToken(name));
}
