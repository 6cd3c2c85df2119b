import { Inject } from '@nestjs/common';
import { isDefaultName } from './zenoti-auth.constants.ts';
import { ZenotiHttpService } from './zenoti-http.service.ts';

/** The injection token of a configuration's `ZenotiHttpService`: the class for the default one, `ZenotiHttpService:<name>` otherwise. */
export function getZenotiHttpServiceToken(name?: string): typeof ZenotiHttpService | string {
  return isDefaultName(name) ? ZenotiHttpService : `ZenotiHttpService:${name}`;
}

/**
 * Injects the `ZenotiHttpService` of a configuration registered with `ZenotiHttpModule.register({ name })`.
 *
 * @example
 * constructor(@InjectZenotiHttpService('other') private readonly otherHttp: ZenotiHttpService) {}
 */
export function InjectZenotiHttpService(name?: string): PropertyDecorator & ParameterDecorator {
  return Inject(getZenotiHttpServiceToken(name));
}
