#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { demoEnvLines, describeCredentials } from './cli-output.ts';
import { DEMO_SEED } from './demo-seed.ts';
import { parseDuration } from './duration.ts';
import { validateSeed } from './seed.ts';
import { type RunningMockZenoti, startMockZenoti } from './server.ts';
import type {
  BadAppAnswer,
  LockoutOptions,
  MockSeed,
  RateLimitMode,
  RateLimitOptions,
  RevokeAnswer,
  StartMockZenotiOptions,
} from './types.ts';

const HELP = `zenoti-mock — a local imitation of the Zenoti API's authentication, for tests and demos

Usage: zenoti-mock [options]

  --port <n>            port to listen on; 0 picks a free one        (default 4010)
  --host <addr>         address to listen on                         (default 127.0.0.1)
  --seed <file.json>    organisations, apps, users and API keys      (default: the demo seed)
  --token-ttl <dur>     access token lifetime, e.g. 2s, 10m, 24h     (default 24h)
  --refresh-ttl <dur>   refresh token lifetime                       (default 90d)
  --latency <dur>       added latency before every answer            (default 0)
  --rate-limit <spec>   calls/windowSeconds per organisation, or "off"     (default 60/60)
                        (calls/windowSeconds/burst in bucket mode)
  --rate-limit-mode <m> window: all calls back at each window's start;
                        bucket: continuous refill                    (default window)
  --lockout <spec>      attempts[/window[/unlockAfter]] rejected passwords that lock a
                        login, e.g. 5/15m/15m, or "off"               (default 5/15m/15m)
  --api-key-grace <dur> how long a rotated API key keeps working      (default 7d)
  --revoke-answer <a>   a successful revoke answers json, text (text/plain "true"),
                        empty (200, no body) or no-content (204)     (default json)
  --bad-app-answer <a>  a wrong app secret or app id gets 401 ("Invalid account.")
                        or 500-4023 (500, code 4023)                 (default 401)
  --strict-scheme       accept only the lower-case "apikey " / "bearer " scheme words
  --control             enable the HTTP control routes under /__mock and the live
                        page at /_mock/ (window usage, counters, last requests)
  --quiet               no request log (by default one line per request, never a secret)
  --print-env           print the ZENOTI_* variables for this mock (demo seed, --host and
                        --port) in .env format, and exit: the service user, the API key
                        (commented out) and the guest app and guests as ZENOTI_GUEST_*
  --help                show this help

Durations: a number of milliseconds or a number with ms, s, m, h or d.`;

class UsageError extends Error {}

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65_535)
    throw new UsageError(`--port must be an integer from 0 to 65535, got "${value}"`);
  return port;
}

function duration(flag: string, value: string): number {
  try {
    return parseDuration(value);
  } catch (error) {
    throw new UsageError(`${flag}: ${(error as Error).message.replace(/^zenoti-mock: /, '')}`);
  }
}

function parseMode(value: string | undefined): RateLimitMode {
  if (value === undefined || value === 'window' || value === 'bucket') return value ?? 'window';
  throw new UsageError(`--rate-limit-mode must be "window" or "bucket"; got "${value}"`);
}

function parseRateLimit(value: string, mode: RateLimitMode): RateLimitOptions | false {
  if (value === 'off' || value === 'false') return false;
  const [limit, window, burst, ...rest] = value.split('/');
  const count = (text: string | undefined): number | undefined =>
    text !== undefined && /^\d+(\.\d+)?$/.test(text) && Number(text) > 0 ? Number(text) : undefined;
  const limitN = count(limit);
  let windowS = count(window);
  if (windowS === undefined && window) windowS = duration('--rate-limit window', window) / 1000;
  const burstN = burst === undefined ? undefined : count(burst);
  if (rest.length > 0 || limitN === undefined || !windowS || (burst !== undefined && burstN === undefined)) {
    throw new UsageError(
      `--rate-limit must look like 60/60 (calls/seconds), 60/60/120 (with burst) or "off"; got "${value}"`,
    );
  }
  if (burstN !== undefined && mode !== 'bucket') {
    throw new UsageError('--rate-limit: a burst (calls/seconds/burst) needs --rate-limit-mode bucket');
  }
  return { mode, limit: limitN, windowSeconds: windowS, ...(burstN === undefined ? {} : { burst: burstN }) };
}

function parseLockout(value: string): LockoutOptions | false {
  if (value === 'off' || value === 'false') return false;
  const [attempts, window, unlockAfter, ...rest] = value.split('/');
  if (rest.length > 0 || attempts === undefined || !/^[1-9]\d*$/.test(attempts)) {
    throw new UsageError(
      `--lockout must look like 5, 5/15m or 5/15m/30m (attempts/window/unlockAfter) or "off"; got "${value}"`,
    );
  }
  return {
    attempts: Number(attempts),
    ...(window === undefined ? {} : { windowMs: duration('--lockout window', window) }),
    ...(unlockAfter === undefined ? {} : { unlockAfterMs: duration('--lockout unlockAfter', unlockAfter) }),
  };
}

function oneOf<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if (allowed.includes(value as T)) return value as T;
  throw new UsageError(`${flag} must be one of ${allowed.join(', ')}; got "${value}"`);
}

function readSeed(path: string): MockSeed {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new UsageError(`cannot read seed file "${path}" (${reason})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`seed file "${path}" is not valid JSON: ${(error as Error).message}`);
  }
  try {
    return validateSeed(json);
  } catch (error) {
    throw new UsageError(`seed file "${path}": ${(error as Error).message.replace(/^zenoti-mock: /, '')}`);
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '4010' },
      host: { type: 'string', default: '127.0.0.1' },
      seed: { type: 'string' },
      'token-ttl': { type: 'string' },
      'refresh-ttl': { type: 'string' },
      latency: { type: 'string' },
      'rate-limit': { type: 'string' },
      'rate-limit-mode': { type: 'string' },
      lockout: { type: 'string' },
      'api-key-grace': { type: 'string' },
      'revoke-answer': { type: 'string' },
      'bad-app-answer': { type: 'string' },
      'strict-scheme': { type: 'boolean', default: false },
      control: { type: 'boolean', default: false },
      quiet: { type: 'boolean', default: false },
      'print-env': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
  if (values['print-env']) {
    if (values.seed !== undefined)
      throw new UsageError('--print-env prints the demo seed’s credentials: not with --seed');
    const port = parsePort(values.port);
    if (port === 0) throw new UsageError('--print-env needs a fixed --port (not 0)');
    for (const line of demoEnvLines(`http://${values.host}:${port}`)) console.log(line);
    return;
  }
  const seed = values.seed === undefined ? DEMO_SEED : readSeed(values.seed);
  const options: StartMockZenotiOptions = {
    port: parsePort(values.port),
    hostname: values.host,
    seed,
    strictScheme: values['strict-scheme'],
    controlRoutes: values.control,
    log: !values.quiet,
  };
  if (values['token-ttl'] !== undefined)
    options.accessTokenTtlMs = duration('--token-ttl', values['token-ttl']);
  if (values['refresh-ttl'] !== undefined)
    options.refreshTokenTtlMs = duration('--refresh-ttl', values['refresh-ttl']);
  if (values.latency !== undefined) options.latencyMs = duration('--latency', values.latency);
  const mode = parseMode(values['rate-limit-mode']);
  options.rateLimit = parseRateLimit(values['rate-limit'] ?? '60/60', mode);
  if (values.lockout !== undefined) options.lockout = parseLockout(values.lockout);
  if (values['api-key-grace'] !== undefined)
    options.apiKeyRotationGraceMs = duration('--api-key-grace', values['api-key-grace']);
  if (values['revoke-answer'] !== undefined)
    options.revokeAnswer = oneOf<RevokeAnswer>('--revoke-answer', values['revoke-answer'], [
      'json',
      'text',
      'empty',
      'no-content',
    ]);
  if (values['bad-app-answer'] !== undefined)
    options.badAppAnswer = oneOf<BadAppAnswer>('--bad-app-answer', values['bad-app-answer'], [
      '401',
      '500-4023',
    ]);

  // Handlers go in before the URL is printed, so a signal sent as soon as it appears is handled.
  let mock: RunningMockZenoti | undefined;
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) process.exit(1);
    stopping = true;
    if (!values.quiet) console.log(`zenoti-mock: ${signal}, shutting down`);
    (mock?.close() ?? Promise.resolve()).then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`zenoti-mock: error while closing: ${(error as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  mock = await startMockZenoti(options);
  if (stopping) return;
  console.log(`zenoti-mock listening on ${mock.url}`);
  for (const line of describeCredentials(seed, values.seed)) console.log(line);
  if (values.control) {
    console.log(`Control routes: ${mock.url}/__mock/… (counters, reset, faults, clock …)`);
    console.log(`Live page: ${mock.url}/_mock/`);
  }
}

main().catch((error: unknown) => {
  const usage =
    error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
  const message = (error as Error).message.replace(/^zenoti-mock: /, '');
  console.error(`zenoti-mock: ${message}`);
  if (usage) console.error('Run zenoti-mock --help for the options.');
  process.exit(usage ? 2 : 1);
});
