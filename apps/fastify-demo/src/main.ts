// Runs the demo: `pnpm --filter @zenoti-auth/fastify-demo start`.
// Without ZENOTI_BASE_URL it starts an embedded mock Zenoti and uses its demo credentials.
import { randomBytes } from 'node:crypto';
import { DEMO_CREDENTIALS as D, startMockZenoti } from '@zenoti-auth/mock-server';
import { createDemoApp } from './app.ts';
import { configFromEnv, type DemoConfig } from './config.ts';

async function configure(): Promise<{ config: DemoConfig; close: () => Promise<void>; note: string }> {
  if (process.env.ZENOTI_BASE_URL) {
    const config = configFromEnv(process.env);
    // Browsers keep a Secure cookie only from https (or localhost); set SECURE_COOKIES=false for plain http.
    config.secureCookies = process.env.SECURE_COOKIES !== 'false';
    return { config, close: async () => undefined, note: `Zenoti: ${process.env.ZENOTI_BASE_URL}` };
  }
  const mock = await startMockZenoti();
  const guests = D.guests.map((g) => `${g.username} / ${g.password}`).join(', ');
  return {
    config: {
      zenoti: {
        baseUrl: mock.url,
        apiKey: D.apiKey,
        guestApp: { accountName: D.accountName, ...D.guestApp },
      },
      sessionSecret: process.env.SESSION_SECRET ?? randomBytes(32).toString('base64url'),
      secureCookies: false, // plain http on 127.0.0.1
    },
    close: () => mock.close(),
    note: `Zenoti: embedded mock at ${mock.url} — demo guests: ${guests}`,
  };
}

const { config, close, note } = await configure();
const app = await createDemoApp(config);
const address = await app.listen({
  host: process.env.HOST ?? '127.0.0.1',
  port: Number(process.env.PORT ?? 3000),
});
console.log(`fastify-demo listening on ${address}`);
console.log(note);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void app
      .close()
      .then(close)
      .then(() => process.exit(0));
  });
}
