import { createRequire } from 'node:module';
import { checkCredentials } from './check.ts';
import { type Command, HELP, parseCommand, UsageError } from './cli-args.ts';
import { errorLine, formatCheck } from './format-check.ts';
import { formatStatus } from './format-status.ts';
import { readFleetStatus } from './status.ts';

/** Exit codes: the check passed; it failed (or Redis could not be read); the command line is wrong. */
const OK = 0;
const FAILED = 1;
const USAGE = 2;

const out = (text: string): void => void process.stdout.write(`${text}\n`);
const err = (text: string): void => void process.stderr.write(`${text}\n`);

function version(): string {
  // dist/cli.mjs → the package's own package.json.
  return (createRequire(import.meta.url)('../package.json') as { version: string }).version;
}

/** Runs one command; resolves its exit code. Every report is already cleaned of secrets. */
async function run(parsed: Command): Promise<number> {
  if (parsed.command === 'help') {
    out(HELP);
    return OK;
  }
  if (parsed.command === 'version') {
    out(version());
    return OK;
  }
  const report =
    parsed.command === 'check'
      ? await checkCredentials(parsed.env)
      : await readFleetStatus({ redis: parsed.redis, prefix: parsed.prefix });
  if (parsed.json) out(JSON.stringify(report, null, 2));
  else {
    out('keys' in report ? formatStatus(report) : formatCheck(report));
    if (report.error) err(`zenoti-auth: ${parsed.command} failed: ${errorLine(report.error)}`);
  }
  return report.ok ? OK : FAILED;
}

async function main(): Promise<number> {
  let parsed: Command;
  try {
    parsed = parseCommand(process.argv.slice(2), process.env);
  } catch (error) {
    const usage =
      error instanceof UsageError || String((error as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS');
    if (!usage) throw error;
    err(`zenoti-auth: ${(error as Error).message}`);
    err('Run zenoti-auth --help for the commands and options.');
    return USAGE;
  }
  return run(parsed);
}

// The exit code is set, not forced: the process ends once its output is written.
main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    err(
      `zenoti-auth: unexpected ${error instanceof Error ? error.name : 'error'}; its message is not shown.`,
    );
    process.exitCode = FAILED;
  },
);
