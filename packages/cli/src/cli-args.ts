import { readFileSync } from 'node:fs';
import { parseArgs, parseEnv } from 'node:util';
import { ZENOTI_ENV } from '@zenoti-auth/core/env';
import { redisTargetOf } from './redis-connection.ts';
import { DEFAULT_PREFIX } from './status.ts';

export const HELP = `zenoti-auth — check Zenoti credentials before deploying, and read a fleet's shared state.
Never prints a key, password, app secret or token.

Usage:
  zenoti-auth check  [--env-file <path>] [--json]
  zenoti-auth status [--redis <url>] [--prefix <prefix>] [--env-file <path>] [--json]

Commands:
  check    Checks the credential the ZENOTI_* variables name, as the deployed app will use it:
           an API key with one small read (GET /v1/centers?size=1); an app and its service user
           with one password grant (never a revoke: it would end every session of the user).
           Prints the mode, the token's expiry, Zenoti's login policy and its rate-limit headers.
  status   Reads what a fleet shares in Redis through @zenoti-auth/redis: each token set's
           version and expiry (only its version and TTL when encrypted), refresh locks, guards
           (pauses after a rejected password or a 429) and rate budget windows. Read-only.

Options:
  --env-file <path>   read the variables from this file (KEY=VALUE lines, quotes, # comments,
                      as node --env-file) instead of the environment
  --redis <url>       status: a redis:// or rediss:// URL               (default: $REDIS_URL)
  --prefix <prefix>   status: the stores' prefix                        (default "${DEFAULT_PREFIX}")
  --json              one JSON object on stdout, for scripts
  -h, --help          this help
  -v, --version       the version

Variables (as zenotiOptionsFromEnv of @zenoti-auth/core/env reads them):
  ${Object.keys(ZENOTI_ENV).join(', ')}

Exit codes: 0 ok; 1 the check failed, or Redis could not be read; 2 a usage error.`;

/** A mistake in the command line: exit code 2. Its message never quotes a value that may be secret. */
export class UsageError extends Error {}

export type Command =
  | { command: 'help' }
  | { command: 'version' }
  | { command: 'check'; json: boolean; env: Readonly<Record<string, unknown>> }
  | { command: 'status'; json: boolean; redis: string; prefix: string };

/** The variables from `path` (Node's own dotenv parser: `util.parseEnv`), never put into `process.env`. */
function readEnvFile(path: string): Record<string, string | undefined> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code ?? 'unreadable';
    throw new UsageError(`--env-file: cannot read "${path}" (${code})`);
  }
  return parseEnv(text);
}

function checkPrefix(prefix: string): string {
  // The same rule as the stores' own `prefix` option.
  if (prefix.length > 200 || /\s/.test(prefix))
    throw new UsageError('--prefix must be at most 200 characters, without whitespace');
  return prefix;
}

/** The command `argv` asks for, or a `UsageError` saying what is wrong with it. */
export function parseCommand(argv: readonly string[], processEnv: NodeJS.ProcessEnv): Command {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: {
      'env-file': { type: 'string' },
      redis: { type: 'string' },
      prefix: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
      version: { type: 'boolean', short: 'v', default: false },
    },
    strict: true,
    allowPositionals: true,
  });
  if (values.help) return { command: 'help' };
  if (values.version) return { command: 'version' };
  const [command, ...extra] = positionals;
  // An extra argument is not quoted: it may be a URL with a password, given without --redis.
  if (extra.length > 0) throw new UsageError(`${extra.length} unexpected argument(s) after "${command}"`);
  if (command !== 'check' && command !== 'status')
    throw new UsageError(
      command === undefined
        ? 'a command is missing: check or status'
        : 'unknown command: use check or status',
    );
  const env = values['env-file'] === undefined ? processEnv : readEnvFile(values['env-file']);
  if (command === 'check') {
    for (const flag of ['redis', 'prefix'] as const)
      if (values[flag] !== undefined) throw new UsageError(`--${flag} is an option of status, not check`);
    return { command, json: values.json, env };
  }
  const redis = values.redis ?? env.REDIS_URL;
  if (typeof redis !== 'string' || redis === '')
    throw new UsageError('status needs --redis <url> (or the variable REDIS_URL)');
  if (!redisTargetOf(redis)) throw new UsageError('--redis must be a redis:// or rediss:// URL');
  return { command, json: values.json, redis, prefix: checkPrefix(values.prefix ?? DEFAULT_PREFIX) };
}
