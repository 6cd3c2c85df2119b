import { randomBytes } from 'node:crypto';
import { redact, type TokenStore, type ZenotiAuthEvent } from '@zenoti-auth/core';
import { DEMO_CREDENTIALS as D, type RunningMockZenoti } from '@zenoti-auth/mock-server';
import { createDemoApp } from './app.ts';

/** What `run()` needs: a mock Zenoti the caller started (and closes). */
export interface FastifyWalkOptions {
  mock: RunningMockZenoti;
  /** Where the guests' token sets live. @default the process-wide memory store */
  store?: TokenStore;
  /** Where the lines go. @default console.log */
  print?: (line: string) => void;
}

const iso = (ms: number): string => new Date(ms).toISOString();

function describeEvent(event: ZenotiAuthEvent): string | undefined {
  switch (event.type) {
    case 'token':
      return `event token: ${event.grant} grant → access token ${event.tokenId}, expires ${iso(event.expiresAt)}`;
    case 'invalidated':
      return `event invalidated: token ${event.tokenId} (${event.reason})`;
    case 'error':
      return `event error: ${event.error.code}`;
    default:
      return undefined;
  }
}

/** `name=…ab12; HttpOnly; SameSite=Lax` — the cookie's attributes, its value as a fingerprint. */
function describeCookie(setCookie: string | null): string {
  if (!setCookie) return 'none';
  const [pair = '', ...attributes] = setCookie.split(';').map((part) => part.trim());
  const [name, value] = pair.split('=');
  return [`${name}=${value ? redact(decodeURIComponent(value)) : '(deleted)'}`, ...attributes].join('; ');
}

/**
 * Serves the Fastify demo on 127.0.0.1 and a free port against `mock`, walks through its routes the
 * way the page does — without a browser: centres through the proxy, a guest's sign-in through the
 * form post, "my profile", sign-out — printing what was sent and what came back, then stops the
 * server. Rejects when a route answers unexpectedly. Never prints a secret (the guest's password,
 * tokens and the session cookie appear as "(hidden)" or fingerprints).
 */
export async function run(options: FastifyWalkOptions): Promise<void> {
  const { mock } = options;
  const print = options.print ?? ((line: string) => console.log(line));
  let stepNo = 0;
  const step = (title: string): void => print(`\n${++stepNo}. ${title}`);
  const say = (line: string): void => print(`   ${line}`);
  const [alice] = D.guests;

  step('Serve the Fastify app on 127.0.0.1, a free port (two contexts: the proxy, the guests)');
  const app = await createDemoApp({
    zenoti: { baseUrl: mock.url, apiKey: D.apiKey, guestApp: { accountName: D.accountName, ...D.guestApp } },
    sessionSecret: randomBytes(32).toString('base64url'),
    secureCookies: false, // plain http on 127.0.0.1
    ...(options.store ? { store: options.store } : {}),
    onEvent: (event) => {
      const line = describeEvent(event);
      if (line) say(line);
    },
  });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  say(`listening on ${url}; Zenoti at ${mock.url}`);

  const call = async (
    method: 'GET' | 'POST',
    path: string,
    expected: number,
    init: { headers?: Record<string, string>; body?: URLSearchParams } = {},
  ): Promise<Response> => {
    const res = await fetch(`${url}${path}`, { method, ...init });
    if (res.status !== expected) {
      await res.arrayBuffer();
      throw new Error(`fastify-demo: ${method} ${path} answered ${res.status}, not ${expected}`);
    }
    return res;
  };
  const lastSeen = (path: string): string => {
    const seen = mock.control.requests().filter((r) => r.path === path);
    const last = seen[seen.length - 1];
    return last ? `${last.status} (${last.authorization ?? 'no credential'})` : 'nothing';
  };

  try {
    step('GET / — the page (it talks only to this server)');
    const page = await call('GET', '/', 200);
    const html = await page.text();
    say(
      `→ 200, ${html.length} bytes of HTML; CSP: ${page.headers.get('content-security-policy')?.split(';')[0]}`,
    );

    step('GET /api/zenoti/v1/centers?size=10 — the proxy adds the server-side API key');
    const centres = await call('GET', '/api/zenoti/v1/centers?size=10', 200);
    const { centers } = (await centres.json()) as { centers: Array<{ name: string }> };
    say(
      `sent without any credential → 200, ${centers.length} centres: ${centers.map((c) => c.name).join(', ')}`,
    );
    say(`Zenoti saw GET /v1/centers → ${lastSeen('/v1/centers')}`);

    step('GET /api/zenoti/v1/guests/search — a path off the proxy allow-list');
    const refused = await call('GET', '/api/zenoti/v1/guests/search', 404);
    await refused.arrayBuffer();
    say(`→ 404, refused before Zenoti is called (Zenoti saw: ${lastSeen('/v1/guests/search')})`);

    step('POST /auth/login from another site — refused (no Origin of this server)');
    const crossSite = await call('POST', '/auth/login', 403, {
      headers: { origin: 'https://evil.example' },
      body: new URLSearchParams({ username: alice.username, password: alice.password }),
    });
    say(`→ 403 ${((await crossSite.json()) as { error: { code: string } }).error.code}`);

    step(`POST /auth/login — the sign-in form: ${alice.username} and a password`);
    say(`sent: Origin ${url}, form username=${alice.username}&password=(hidden)`);
    const login = await call('POST', '/auth/login', 200, {
      headers: { origin: url },
      body: new URLSearchParams({ username: alice.username, password: alice.password }),
    });
    say(`→ 200 ${JSON.stringify(await login.json())}`);
    const setCookie = login.headers.get('set-cookie');
    say(`Set-Cookie: ${describeCookie(setCookie)} (an opaque session id, signed; no token)`);
    const cookie = setCookie?.split(';')[0] ?? '';

    step('GET /me — "my profile", with the guest\'s own token');
    const me = await call('GET', '/me', 200, { headers: { cookie } });
    const profile = (await me.json()) as { id: string; firstName: string; lastName: string; email: string };
    say(`→ 200, ${profile.firstName} ${profile.lastName} <${profile.email}>, guest id ${profile.id}`);
    say(`Zenoti saw GET /v1/guests/{id} → ${lastSeen(`/v1/guests/${profile.id}`)}`);

    step("POST /auth/logout — sign out: Zenoti revokes the guest's token, the cookie is deleted");
    const logout = await call('POST', '/auth/logout', 200, { headers: { origin: url, cookie } });
    say(
      `→ 200 ${JSON.stringify(await logout.json())}; Set-Cookie: ${describeCookie(logout.headers.get('set-cookie'))}`,
    );
    const after = await call('GET', '/me', 401, { headers: { cookie } });
    say(
      `GET /me with the old cookie → 401 ${((await after.json()) as { error: { code: string } }).error.code}`,
    );
  } finally {
    await app.close();
  }
  say('server stopped');
}
