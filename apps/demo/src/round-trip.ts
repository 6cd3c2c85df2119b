/**
 * The core round trip against a mock Zenoti: generate a token, call a resource, refresh, revoke.
 * Prints every step; never prints a secret (tokens appear only as fingerprints such as …ab68).
 */
import { redact, type TokenStore, ZenotiAuth, type ZenotiAuthEvent } from '@zenoti-auth/core';
import { DEMO_CREDENTIALS as D, type RunningMockZenoti } from '@zenoti-auth/mock-server';

const MINUTE = 60_000;
const iso = (ms: number): string => new Date(ms).toISOString();

export interface RoundTripOptions {
  /** The demo sets its access-token lifetime to 60 minutes and moves its clock forward 57 minutes. */
  mock: RunningMockZenoti;
  /** Where the service user's token lives. @default the process-wide memory store */
  store?: TokenStore;
  /** Where the lines go. @default console.log */
  print?: (line: string) => void;
}

function describeEvent(event: ZenotiAuthEvent): string {
  switch (event.type) {
    case 'token':
      return `event token: ${event.grant} grant → access token ${event.tokenId}, expires ${iso(event.expiresAt)}`;
    case 'invalidated':
      return `event invalidated: token ${event.tokenId} (${event.reason})`;
    case 'rateLimit':
      return `event rateLimit: ${event.remaining ?? '?'} calls left, window refills in ${event.resetSeconds ?? '?'} s`;
    case 'error':
      return `event error: ${event.error.code}`;
    case 'passwordExpiring':
      return `event passwordExpiring: the password of user ${event.userId ?? '?'} expires soon`;
    case 'warning':
      return `event warning: ${event.message}`;
  }
}

export async function runRoundTrip(options: RoundTripOptions): Promise<void> {
  const { mock: zenoti } = options;
  const print = options.print ?? ((line: string) => console.log(line));
  let stepNo = 0;
  const step = (title: string): void => print(`\n${++stepNo}. ${title}`);
  const say = (line: string): void => print(`   ${line}`);
  /** The mock's clock, which the demo moves forward, so "an hour later" takes no time at all. */
  const now = zenoti.control.now;

  step('Use the mock Zenoti (access tokens live 60 minutes here)');
  zenoti.control.setAccessTokenTtl(60 * MINUTE);
  say(`listening on ${zenoti.url}, account "${D.accountName}"`);

  step('Call a resource with the API key');
  const keyAuth = new ZenotiAuth({ apiKey: D.apiKey, baseUrl: zenoti.url });
  const centersRes = await keyAuth.fetch('/v1/centers');
  const centers = (await centersRes.json()) as { centers: Array<{ name: string }> };
  say(
    `GET /v1/centers with "apikey ${redact(D.apiKey)}" → ${centersRes.status}, ${centers.centers.length} centres: ${centers.centers.map((c) => c.name).join(', ')}`,
  );

  step('Generate an access token (password grant for the service user)');
  const auth = new ZenotiAuth({
    baseUrl: zenoti.url,
    app: { accountName: D.accountName, ...D.employeeApp },
    user: { ...D.employee },
    now,
    ...(options.store ? { store: options.store } : {}),
    onEvent: (event) => {
      if (event.type !== 'rateLimit') say(describeEvent(event));
    },
  });
  const first = await auth.authorization();
  say(`Authorization: bearer ${redact(first.slice(7))}`);

  step('Call a resource with the token');
  const servicesRes = await auth.fetch(
    `/v1/centers/${encodeURIComponent((await firstCenterId(auth)) ?? '')}/services?size=5`,
  );
  const services = (await servicesRes.json()) as {
    services: Array<{ name: string }>;
    page_info: { total: number };
  };
  say(
    `GET /v1/centers/{id}/services?size=5 → ${servicesRes.status}, ${services.page_info.total} services, first: ${services.services[0]?.name}`,
  );
  say(`rate limit left this minute: ${servicesRes.headers.get('ratelimit-remaining')}`);

  step('57 minutes pass: the token enters its refresh window, so the next call refreshes it once');
  zenoti.control.advanceTime(57 * MINUTE);
  const [a, b, c] = await Promise.all([auth.authorization(), auth.authorization(), auth.authorization()]);
  say(`three concurrent callers got ${new Set([a, b, c]).size} token: bearer ${redact(a.slice(7))}`);
  const stale = await fetch(`${zenoti.url}/v1/centers`, { headers: { authorization: first } });
  say(`the old token is now dead at Zenoti (a refresh kills older tokens): ${stale.status}`);
  await stale.arrayBuffer();

  step('Revoke the token');
  const { revoked } = await auth.revoke();
  const after = await fetch(`${zenoti.url}/v1/centers`, { headers: { authorization: a } });
  say(`revoked: ${revoked}; the revoked token now gets ${after.status}`);
  await after.arrayBuffer();

  step('What the mock Zenoti counted');
  const counters = zenoti.control.counters();
  say(
    `token calls: ${counters.token.total} (password ${counters.token.password.ok}, refresh ${counters.token.refresh.ok}); revokes: ${counters.revoke.ok}; resource calls: ${counters.resources.total}`,
  );
  print('\nDone: generate → call → refresh → revoke, with one token call per step and no secret printed.');
}

async function firstCenterId(auth: ZenotiAuth): Promise<string | undefined> {
  const res = await auth.fetch('/v1/centers?size=1');
  const body = (await res.json()) as { centers: Array<{ id: string }> };
  return body.centers[0]?.id;
}
