/**
 * The zenoti-auth tour, part one: a token round trip against the local mock Zenoti.
 * Prints every step; never prints a secret (tokens appear only as fingerprints such as …ab68).
 */
import { redact, ZenotiAuth, type ZenotiAuthEvent } from '@zenoti-auth/core';
import { DEMO_CREDENTIALS as D, startMockZenoti } from '@zenoti-auth/mock-server';

const MINUTE = 60_000;
let offset = 0;
/** The demo's clock, shared with the mock, so "an hour later" takes no time at all. */
const now = (): number => Date.now() + offset;
const iso = (ms: number): string => new Date(ms).toISOString();

let stepNo = 0;
function step(title: string): void {
  stepNo += 1;
  console.log(`\n${stepNo}. ${title}`);
}
function say(line: string): void {
  console.log(`   ${line}`);
}

function describeEvent(event: ZenotiAuthEvent): string {
  switch (event.type) {
    case 'token':
      return `event token: ${event.grant} grant → access token ${event.tokenId}, expires ${iso(event.expiresAt)}`;
    case 'invalidated':
      return `event invalidated: token ${event.tokenId} (${event.reason})`;
    case 'rateLimit':
      return `event rateLimit: ${event.remaining ?? '?'} calls left, bucket full again in ${event.resetSeconds ?? '?'} s`;
    case 'error':
      return `event error: ${event.error.code}`;
    case 'warning':
      return `event warning: ${event.message}`;
  }
}

async function main(): Promise<void> {
  step('Start the local mock Zenoti (access tokens live 60 minutes here)');
  const zenoti = await startMockZenoti({
    now,
    accessTokenTtlMs: 60 * MINUTE,
    rateLimit: { limit: 60, windowSeconds: 60 },
  });
  say(`listening on ${zenoti.url}, account "${D.accountName}"`);
  try {
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
    offset += 57 * MINUTE;
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
    console.log(
      '\nDone: generate → call → refresh → revoke, with one token call per step and no secret printed.',
    );
  } finally {
    await zenoti.close();
  }
}

async function firstCenterId(auth: ZenotiAuth): Promise<string | undefined> {
  const res = await auth.fetch('/v1/centers?size=1');
  const body = (await res.json()) as { centers: Array<{ id: string }> };
  return body.centers[0]?.id;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : 'demo failed');
  process.exitCode = 1;
});
