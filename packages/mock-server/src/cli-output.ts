import { DEMO_CREDENTIALS, DEMO_SEED } from './demo-seed.ts';
import type { MockSeed } from './types.ts';

/**
 * The demo seed's credentials as `ZENOTI_*` variables (what core's `zenotiOptionsFromEnv` reads), in
 * .env format: token mode for the employee app and user, with the API key as a comment (one or the
 * other: not both).
 */
export function demoEnvLines(url: string): string[] {
  const D = DEMO_CREDENTIALS;
  return [
    '# zenoti-mock demo credentials (fake; accepted only by this mock)',
    `ZENOTI_BASE_URL=${url}`,
    `ZENOTI_ACCOUNT_NAME=${D.accountName}`,
    `ZENOTI_APP_ID=${D.employeeApp.appId}`,
    `ZENOTI_APP_SECRET=${D.employeeApp.appSecret}`,
    `ZENOTI_USERNAME=${D.employee.username}`,
    `ZENOTI_PASSWORD=${D.employee.password}`,
    '# API-key mode instead: set this and remove the four app and user variables above',
    `# ZENOTI_API_KEY=${D.apiKey}`,
  ];
}

export function describeCredentials(seed: MockSeed, seedPath: string | undefined): string[] {
  if (seed === DEMO_SEED) {
    const D = DEMO_CREDENTIALS;
    return [
      'Demo credentials (fake; accepted only by this mock):',
      `  account_name:        ${D.accountName}`,
      `  api key:             ${D.apiKey}`,
      `  employee app:        app_id ${D.employeeApp.appId}  app_secret ${D.employeeApp.appSecret}`,
      `  guest app:           app_id ${D.guestApp.appId}  app_secret ${D.guestApp.appSecret}`,
      `  employee:            ${D.employee.username} / ${D.employee.password}`,
      ...D.guests.map((g) => `  guest:               ${g.username} / ${g.password}  (guest id ${g.guestId})`),
      `  other account_name:  ${D.other.accountName}`,
      `  other api key:       ${D.other.apiKey}`,
      `  other employee app:  app_id ${D.other.employeeApp.appId}  app_secret ${D.other.employeeApp.appSecret}`,
      `  other employee:      ${D.other.employee.username} / ${D.other.employee.password}`,
    ];
  }
  return [
    `Seed from ${seedPath} (secrets not shown):`,
    ...seed.organizations.map(
      (o) =>
        `  ${o.accountName}: ${o.apiKeys?.length ?? 0} API key(s), ${o.apps?.length ?? 0} app(s), users ${
          (o.users ?? []).map((u) => `${u.username} (${u.userType ?? 'Employee'})`).join(', ') || 'none'
        }`,
    ),
  ];
}
