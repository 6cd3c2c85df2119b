// The environment a runnable README block may ask for (`env:` in its marker), all of it pointing at the
// mock Zenoti the harness started. `mock` stands for what `zenoti-mock --print-env` prints (a user's
// .env for the mock: token mode, the demo employee app and service user); the other variables are
// for blocks that need more, each read from the mock's demo seed. A block gets only what it names,
// never this process's environment: a README example can never reach the real Zenoti with a
// developer's own credentials.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEMO_CREDENTIALS as D } from '@zenoti-auth/mock-server';

const mockPackage = fileURLToPath(new URL('../node_modules/@zenoti-auth/mock-server/', import.meta.url));

/** What `zenoti-mock --print-env --port <port>` prints, as variables (comment lines left out). */
export function printedEnv(port: number): Record<string, string> {
  const { bin } = JSON.parse(readFileSync(join(mockPackage, 'package.json'), 'utf8')) as {
    bin: Record<string, string>;
  };
  const cli = join(mockPackage, bin['zenoti-mock'] ?? 'dist/cli.mjs');
  const out = execFileSync(process.execPath, [cli, '--print-env', '--port', String(port)], {
    encoding: 'utf8',
  });
  const env: Record<string, string> = {};
  for (const line of out.split('\n')) {
    const match = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (match?.[1] && match[2] !== undefined) env[match[1]] = match[2];
  }
  return env;
}

export interface ExampleEnvironment {
  /** Every variable a block may name, by name. */
  variables: Record<string, string>;
  /** The names `mock` stands for. */
  mock: string[];
}

export function exampleEnvironment(mockUrl: string): ExampleEnvironment {
  const port = Number(new URL(mockUrl).port);
  const printed = printedEnv(port);
  if (printed.ZENOTI_BASE_URL !== mockUrl)
    throw new Error(`zenoti-mock --print-env printed ${printed.ZENOTI_BASE_URL}, expected ${mockUrl}`);
  return {
    mock: Object.keys(printed),
    variables: {
      ...printed,
      ZENOTI_API_KEY: D.apiKey,
      ZENOTI_GUEST_APP_ID: D.guestApp.appId,
      ZENOTI_GUEST_APP_SECRET: D.guestApp.appSecret,
      SESSION_SECRET: randomBytes(32).toString('hex'),
      ZENOTI_TOKEN_KEY: randomBytes(32).toString('hex'),
      REDIS_URL: 'redis://127.0.0.1:6379',
    },
  };
}

/** The variables a block's marker names (`mock` expanded). Throws for a name the harness does not know. */
export function envFor(names: readonly string[], environment: ExampleEnvironment): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of names.flatMap((n) => (n === 'mock' ? environment.mock : [n]))) {
    const value = environment.variables[name];
    if (value === undefined)
      throw new Error(
        `no value for ${name}; known: mock, ${Object.keys(environment.variables).join(', ')} (src/mock-env.ts)`,
      );
    env[name] = value;
  }
  return env;
}
