import type { MockSeed } from './types.ts';

/**
 * The fake credentials that the default seed ({@link DEMO_SEED}) accepts. They are the mock's own,
 * fixed and public: use them in tests and demos, never against the real Zenoti.
 */
export const DEMO_CREDENTIALS = {
  accountName: 'demo-spa',
  apiKey: 'a864870079d58563a62ba8876a4b0c8ee7402439531bfb10050baefc7a6f1093',
  employeeApp: {
    appId: '465DD5E1-3311-45B0-83ED-AEA491B2B1A7',
    appSecret: '393b1bbfa7448c5f8483bfab1a36caa7d54dedb873d00bb4467a0038828d724a',
  },
  guestApp: {
    appId: 'A97013B0-59E7-4794-A440-EA82A831187F',
    appSecret: '619e75024dca8f7e0cc89f3471b35a37c597fedb618c172a0ec3604f35350f0f',
  },
  employee: { username: 'api.user', password: 'Zenoti-Demo-2026' },
  guests: [
    {
      username: 'alice@example.com',
      password: 'Alice-Guest-2026',
      guestId: '31a255d5-5a74-417e-ac93-9f8061356017',
    },
    {
      username: 'bob@example.com',
      password: 'Bob-Guest-2026',
      guestId: 'f9cb32fb-bcd8-4986-90c4-6cdaaa44ca14',
    },
  ],
  other: {
    accountName: 'other-spa',
    apiKey: 'b9020b17e39a82259dc20fd978e0562b3e860533eabc9508bb0b2c40d4110a12',
    employeeApp: {
      appId: 'F4D66FE5-3A78-4107-8787-D93955D51EB6',
      appSecret: 'c74d55913461defda6077959de2ccf07b08b168d08d88b5b0052964c14d6a1a3',
    },
    employee: { username: 'other.api.user', password: 'Other-Demo-2026' },
  },
} as const;

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

const D = DEMO_CREDENTIALS;

/** The default seed: organisation `demo-spa` (employee app, guest app, one employee, two guests) and `other-spa`. */
export const DEMO_SEED: MockSeed = deepFreeze({
  organizations: [
    {
      accountName: D.accountName,
      apiKeys: [D.apiKey],
      apps: [
        { appId: D.employeeApp.appId, appSecret: D.employeeApp.appSecret, userType: 'Employee' },
        { appId: D.guestApp.appId, appSecret: D.guestApp.appSecret, userType: 'Guest' },
      ],
      users: [
        {
          username: D.employee.username,
          password: D.employee.password,
          role: 'Administrator',
          userType: 'Employee',
        },
        ...D.guests.map((g) => ({
          username: g.username,
          password: g.password,
          role: 'Guest',
          userType: 'Guest' as const,
          guestId: g.guestId,
        })),
      ],
    },
    {
      accountName: D.other.accountName,
      apiKeys: [D.other.apiKey],
      apps: [
        { appId: D.other.employeeApp.appId, appSecret: D.other.employeeApp.appSecret, userType: 'Employee' },
      ],
      users: [
        {
          username: D.other.employee.username,
          password: D.other.employee.password,
          role: 'Administrator',
          userType: 'Employee',
        },
      ],
    },
  ],
});
