// `pnpm --filter @zenoti-auth/nest-demo start`: the demo against an embedded mock Zenoti, or against
// the real one when ZENOTI_BASE_URL and credentials are set (see README.md).
import { DEMO_CREDENTIALS as D, type RunningMockZenoti, startMockZenoti } from '@zenoti-auth/mock-server';
import { createNestDemo, type NestDemoEnv } from './demo.ts';

async function main(): Promise<void> {
  let mock: RunningMockZenoti | undefined;
  let env: NestDemoEnv = process.env;
  if (!process.env.ZENOTI_BASE_URL) {
    // Started before the Nest app, so the app's ConfigService sees its URL like any other setting.
    mock = await startMockZenoti({ rateLimit: { limit: 60, windowSeconds: 60 } });
    env = {
      ZENOTI_BASE_URL: mock.url,
      ZENOTI_ACCOUNT_NAME: D.accountName,
      ZENOTI_APP_ID: D.employeeApp.appId,
      ZENOTI_APP_SECRET: D.employeeApp.appSecret,
      ZENOTI_USERNAME: D.employee.username,
      ZENOTI_PASSWORD: D.employee.password,
      REDIS_URL: process.env.REDIS_URL,
      REDIS_PREFIX: process.env.REDIS_PREFIX,
    };
  }
  const demo = await createNestDemo({
    env,
    port: Number(process.env.PORT ?? 3000),
    host: process.env.HOST ?? '127.0.0.1',
    logger: process.env.QUIET === undefined,
  });
  const zenoti = mock ? `embedded mock Zenoti at ${mock.url}` : `Zenoti at ${env.ZENOTI_BASE_URL}`;
  const fleet = env.REDIS_URL ? '; token and rate budget shared in Redis' : '';
  console.log(`nest-demo listening on ${demo.url} (${zenoti}${fleet})`);
  console.log(`  GET ${demo.url}/centers`);
  console.log(`  GET ${demo.url}/guests/${D.guests[0].guestId}`);
  console.log(`  GET ${demo.url}/token-status`);
  console.log(`  GET ${demo.url}/health`);

  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    await demo.close();
    await mock?.close();
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
  process.exitCode = 1;
});
