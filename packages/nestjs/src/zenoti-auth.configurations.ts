import { Module } from '@nestjs/common';
import { invalidOption } from '@zenoti-auth/core';
import { isDefaultName } from './zenoti-auth.constants.ts';

/** The token of the names of the `ZenotiAuthModule` configurations one Nest app holds. */
export const ZENOTI_AUTH_CONFIGURATIONS = 'ZenotiAuthConfigurations';

/**
 * Imported by every `ZenotiAuthModule` configuration. A static module: Nest makes one instance of it
 * per app, however often it is imported, so its set holds the names of that app's configurations.
 */
export class ZenotiAuthConfigurationsModule {}

// `@Module({...})`, applied as a call (no decorator helpers in the bundle).
Module({
  providers: [{ provide: ZENOTI_AUTH_CONFIGURATIONS, useFactory: (): Set<string> => new Set() }],
  exports: [ZENOTI_AUTH_CONFIGURATIONS],
})(ZenotiAuthConfigurationsModule);

/**
 * Records `name` as a configuration of the app whose set `names` is. A second configuration of the
 * same name would register the same injection token, and Nest would silently inject one of them
 * everywhere: so it fails start-up instead, naming the name.
 */
export function claimConfigurationName(names: Set<string>, name: string): void {
  if (!names.has(name)) {
    names.add(name);
    return;
  }
  const which = isDefaultName(name)
    ? 'is missing in two configurations of this app: both are the default one (injected as ZenotiAuth)'
    : `is ${JSON.stringify(name)} in two configurations of this app: both are injected with @InjectZenotiAuth(${JSON.stringify(name)})`;
  throw invalidOption(
    'nestjs',
    'name',
    `of ZenotiAuthModule ${which}, and one would replace the other. Import one ZenotiAuthModule.forRoot()/forRootAsync() ` +
      'and share it (isGlobal: true), or give each configuration its own name and inject it with @InjectZenotiAuth(name)',
  );
}
