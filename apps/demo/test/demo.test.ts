import { execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { DEMO_CREDENTIALS as D } from '@zenoti-auth/mock-server';
import { describe, expect, it } from 'vitest';

const cwd = fileURLToPath(new URL('..', import.meta.url));

/** Every secret of the mock's demo seed (keys, app secrets, passwords), and the password the axios demo sets. */
function secretsOf(value: unknown, key = ''): string[] {
  if (typeof value === 'string') return /apiKey|appSecret|password/.test(key) ? [value] : [];
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => secretsOf(v, Array.isArray(value) ? key : k));
  }
  return [];
}
const SECRETS = [...secretsOf(D), 'Changed-Elsewhere-2026'];

interface Outcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs the tour as `pnpm start` does (minus the tsx CLI wrapper), marked so that its processes can be found. */
function tour(marker: string): Promise<Outcome> {
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', `--tour-marker=${marker}`], {
    cwd,
    detached: false,
    env: { ...process.env, ZENOTI_TOUR_MARKER: marker },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  // Generous for a loaded machine; the test still asserts the tour's own bound (60 s).
  const killer = setTimeout(() => child.kill('SIGKILL'), 100_000);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(killer);
      resolve({ code, signal, stdout, stderr, ms: performance.now() - started });
    });
  });
}

/** Processes whose command line or environment carries the marker (`ps e` shows both, for our own processes). */
function processesWith(marker: string): string[] {
  const table = execFileSync('ps', ['-e', 'e', '-ww', '-o', 'pid=,args='], { encoding: 'utf8' });
  return table.split('\n').filter((row) => row.includes(marker));
}

describe('the tour (pnpm demo)', () => {
  it('runs the core round trip, the axios, Nest, Hono, Express and Fastify demos on one mock Zenoti, sums up, exits 0 in under a minute, prints no secret and leaves no process', async () => {
    const marker = `zenoti-tour-${randomUUID()}`;
    const { code, signal, stdout, stderr, ms } = await tour(marker);
    expect({ code, signal, stderr }).toEqual({ code: 0, signal: null, stderr: '' });
    expect(ms).toBeLessThan(60_000);

    // One mock for everything.
    expect(stdout.match(/Mock Zenoti listening on http:\/\/127\.0\.0\.1:\d+/g)).toHaveLength(1);
    const headers = [...stdout.matchAll(/^━━ (\d)\/\d · ([^·]+) ·/gm)].map((m) => `${m[1]} ${m[2]?.trim()}`);
    expect(headers.slice(0, 6)).toEqual([
      '1 core round trip',
      '2 axios demo',
      '3 Nest demo',
      '4 Hono demo',
      '5 Express demo',
      '6 Fastify demo',
    ]);
    const section = (n: number): string => stdout.split(/^━━ /m)[n] ?? '';

    // 1. Core round trip.
    const core = section(1);
    expect(core).toMatch(/Call a resource with the API key\n\s+GET \/v1\/centers .* → 200, 3 centres/);
    expect(core).toMatch(
      /event token: password grant → access token …\S{4}, expires \d{4}-\d\d-\d\dT[\d:.]+Z/,
    );
    expect(core).toMatch(/event token: refresh grant/);
    expect(core).toMatch(/three concurrent callers got 1 token/);
    expect(core).toMatch(/the old token is now dead at Zenoti .*: 401/);
    expect(core).toMatch(/revoked: true; the revoked token now gets 401/);
    expect(core).toMatch(/token calls: 2 \(password 1, refresh 1\); revokes: 1/);

    // 2. axios demo, on the tour's mock.
    const axios = section(2);
    expect(axios).toMatch(/Use the mock Zenoti given/);
    expect(axios).toMatch(/sent with Authorization: apikey …1093/);
    expect(axios).toMatch(
      /3 calls → 200, 200, 200, all sent with bearer …\S{4}\n\s+token calls for them: 1\n/,
    );
    expect(axios).toMatch(/GET \/v1\/centers → 200, answered by the interceptor's one retry: true/);
    // The tour's one warning (core's "another client … same credentials") comes from a step that
    // plays that client and says so first: no warning the reader cannot place.
    expect(stdout.match(/event warning:/g)).toHaveLength(1);
    expect(axios).toMatch(
      /Another client with these credentials kills our token[^\n]*\n\s+\(played by the demo[\s\S]*?\n\s+event warning: [^\n]*another client/,
    );
    expect(axios).toMatch(
      /first call: AxiosError ERR_ZENOTI_AUTH, cause ZenotiAuthError CREDENTIALS_REJECTED/,
    );
    expect(axios).toMatch(/token calls for both: 2 /);

    // 3. Nest demo: booted on a free port, routes walked with fetch.
    const nest = section(3);
    expect(nest).toMatch(/Boot the Nest app[^\n]*\n\s+listening on http:\/\/127\.0\.0\.1:\d+/);
    expect(nest).toMatch(/GET \/centers[^\n]*\n\s+→ 200, 3 centres/);
    expect(nest).toMatch(/Zenoti saw GET \/v1\/centers → 200 \(bearer …\S{4}\); token calls so far: 1/);
    expect(nest).toMatch(/→ 200, Alice Anderson <alice@example\.com>/);
    expect(nest).toMatch(/tokens obtained 1, last: password grant → …\S{4}, expires \S+Z/);
    expect(nest).toMatch(/tokens obtained 2, last: refresh grant/);
    expect(nest).toMatch(/→ 404 "No such guest\."/);
    expect(nest).toMatch(/app closed/);

    // 4. Hono demo: server on a free port, browser-free walk.
    const hono = section(4);
    expect(hono).toMatch(/listening on http:\/\/127\.0\.0\.1:\d+/);
    expect(hono).toMatch(/sent without any credential → 200, 3 centres/);
    expect(hono).toMatch(/Zenoti saw GET \/v1\/centers → 200 \(apikey …1093\)/);
    expect(hono).toMatch(/→ 403 CROSS_SITE/);
    expect(hono).toMatch(/password=\(hidden\)/);
    expect(hono).toMatch(/→ 200 \{"signedIn":true,"userType":"Guest"\}/);
    expect(hono).toMatch(/Set-Cookie: demo_session=…\S+; Path=\/; HttpOnly; SameSite=Lax/);
    expect(hono).toMatch(/GET \/me[^\n]*\n\s+→ 200, Alice Anderson <alice@example\.com>/);
    expect(hono).toMatch(/→ 200 \{"signedOut":true,"revoked":true\}/);
    expect(hono).toMatch(/GET \/me with the old cookie → 401 LOGIN_REQUIRED/);
    expect(hono).toMatch(/server stopped/);

    // 5. Express demo: the same walk on apps/express-demo (zenotiProxy, zenotiSignIn, zenotiHealth).
    const expressDemo = section(5);
    expect(expressDemo).toMatch(/Serve the Express app[^\n]*\n\s+listening on http:\/\/127\.0\.0\.1:\d+/);
    expect(expressDemo).toMatch(/sent without any credential → 200, 3 centres/);
    expect(expressDemo).toMatch(/→ 403 CROSS_SITE/);
    expect(expressDemo).toMatch(/GET \/me[^\n]*\n\s+→ 200, Alice Anderson <alice@example\.com>/);
    expect(expressDemo).toMatch(/→ 200 \{"signedOut":true,"revoked":true\}/);
    expect(expressDemo).toMatch(/server stopped/);

    // 6. Fastify demo: the same walk on apps/fastify-demo (the plugins, in contexts of their own).
    const fastifyDemo = section(6);
    expect(fastifyDemo).toMatch(/Serve the Fastify app[^\n]*\n\s+listening on http:\/\/127\.0\.0\.1:\d+/);
    expect(fastifyDemo).toMatch(/Zenoti saw GET \/v1\/centers → 200 \(apikey …1093\)/);
    expect(fastifyDemo).toMatch(/→ 403 CROSS_SITE/);
    expect(fastifyDemo).toMatch(/GET \/me[^\n]*\n\s+→ 200, Alice Anderson <alice@example\.com>/);
    expect(fastifyDemo).toMatch(/→ 200 \{"signedOut":true,"revoked":true\}/);
    expect(fastifyDemo).toMatch(/GET \/me with the old cookie → 401 LOGIN_REQUIRED/);
    expect(fastifyDemo).toMatch(/server stopped/);

    // Summary: one line per section, all ok.
    const summary = section(headers.length + 1);
    expect(summary).toMatch(/^Summary/);
    expect(summary).toMatch(/1\. core round trip\s+ok\s+2\s+\d+\.\d\d s/);
    expect(summary).toMatch(/2\. axios demo\s+ok\s+6\s+\d+\.\d\d s/);
    expect(summary).toMatch(/3\. Nest demo\s+ok\s+2\s+\d+\.\d\d s/);
    expect(summary).toMatch(/4\. Hono demo\s+ok\s+1\s+\d+\.\d\d s/);
    expect(summary).toMatch(/5\. Express demo\s+ok\s+1\s+\d+\.\d\d s/);
    expect(summary).toMatch(/6\. Fastify demo\s+ok\s+1\s+\d+\.\d\d s/);
    expect(summary).toMatch(new RegExp(`All ${headers.length} sections ok in \\d+\\.\\d\\d s`));

    // Never a secret: no key, app secret or password of the seed, and no token (every mock token has "$ARD#").
    for (const output of [stdout, stderr]) {
      for (const secret of SECRETS) expect(output).not.toContain(secret);
      expect(output).not.toContain('$ARD#');
      expect(output).not.toContain('AN:demo-spa|');
    }

    // Nothing left behind: no process carries the marker (in its arguments or its environment).
    expect(processesWith(marker)).toEqual([]);
  });
});
