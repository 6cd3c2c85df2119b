// `pnpm --filter @zenoti-auth/axios-demo start`: the demo against an embedded mock Zenoti, or against
// the real one when ZENOTI_BASE_URL and credentials are set (see README.md).
import { isAxiosError } from 'axios';
import { readTarget } from './env.ts';
import { run } from './run.ts';

async function main(): Promise<void> {
  await run({ target: readTarget() });
}

main().catch((error: unknown) => {
  const code = isAxiosError(error) ? ` (${error.code})` : '';
  console.error(`axios-demo failed${code}: ${error instanceof Error ? error.message : 'unknown error'}`);
  process.exitCode = 1;
});
