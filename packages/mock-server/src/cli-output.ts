import { DEMO_CREDENTIALS, DEMO_SEED } from './demo-seed.ts';
import type { MockSeed } from './types.ts';

/**
 * The demo seed's credentials as the variables core's `zenotiOptionsFromEnv` reads, in .env format,
 * each group under a comment saying which mode it is: the service user (`ZENOTI_*`, set), the API key
 * instead (one line, commented out: one mode per prefix), and the guest app under its own prefix
 * (`ZENOTI_GUEST_*`, read with `{ prefix: 'ZENOTI_GUEST_' }`) with the guests who sign in through it.
 */
export function demoEnvLines(url: string): string[] {
  const D = DEMO_CREDENTIALS;
  return [
    '# zenoti-mock demo credentials (fake; accepted only by this mock)',
    '',
    '# service user mode (zenotiOptionsFromEnv(env)): the employee app and its service user',
    `ZENOTI_BASE_URL=${url}`,
    `ZENOTI_ACCOUNT_NAME=${D.accountName}`,
    `ZENOTI_APP_ID=${D.employeeApp.appId}`,
    `ZENOTI_APP_SECRET=${D.employeeApp.appSecret}`,
    `ZENOTI_USERNAME=${D.employee.username}`,
    `ZENOTI_PASSWORD=${D.employee.password}`,
    '',
    '# API key mode (zenotiOptionsFromEnv(env)) instead: uncomment the next line and comment out the',
    '# five ZENOTI_ACCOUNT_NAME … ZENOTI_PASSWORD lines above (an API key and an app are never both set)',
    `# ZENOTI_API_KEY=${D.apiKey}`,
    '',
    "# guest app (zenotiOptionsFromEnv(env, { prefix: 'ZENOTI_GUEST_' })): end users sign in with login()",
    `ZENOTI_GUEST_BASE_URL=${url}`,
    `ZENOTI_GUEST_ACCOUNT_NAME=${D.accountName}`,
    `ZENOTI_GUEST_APP_ID=${D.guestApp.appId}`,
    `ZENOTI_GUEST_APP_SECRET=${D.guestApp.appSecret}`,
    '# guests who sign in through the guest app (for login() or a sign-in form; zenotiOptionsFromEnv does not read them)',
    ...D.guests.flatMap((g, i) => [
      `ZENOTI_GUEST_${i + 1}_USERNAME=${g.username}`,
      `ZENOTI_GUEST_${i + 1}_PASSWORD=${g.password}`,
    ]),
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
