import { afterEach, describe, expect, it } from 'vitest';
import {
  callInfo,
  instrument,
  instrumentation,
  ZenotiAuth,
  type ZenotiCallInfo,
  type ZenotiCallScope,
  type ZenotiInstrumentation,
  type ZenotiScope,
} from '../src/index.ts';
import { MemoryRateBudget } from '../src/rate-budget/index.ts';
import { D, serviceUser, zenoti } from './support.ts';

/** A listener that writes down, in order, what the engine tells it. */
function journal(): [ZenotiInstrumentation, string[]] {
  const lines: string[] = [];
  const scope = (name: string): ZenotiCallScope => ({
    run: (work) => work(),
    wait: (permit) => {
      lines.push(`${name} wait`);
      return permit;
    },
    send: (attempt, ...args) => {
      lines.push(`${name} send`);
      return attempt(...args);
    },
    resend: () => lines.push(`${name} resend`),
    end: (error, status) =>
      lines.push(`${name} end ${(error as { code?: string } | undefined)?.code ?? '-'} ${status ?? '-'}`),
  });
  const listener: ZenotiInstrumentation = {
    call: (info: ZenotiCallInfo) => {
      lines.push(`call ${info.method} ${info.url}`);
      return scope('call');
    },
    grant: (grant): ZenotiScope => {
      lines.push(`grant ${grant}`);
      return scope('grant');
    },
    rateLimit: (remaining, rejected, account) => lines.push(`rateLimit ${remaining} ${rejected} ${account}`),
    storeError: (operation) => lines.push(`storeError ${operation}`),
  };
  return [listener, lines];
}

const removals: Array<() => void> = [];
afterEach(() => {
  for (const remove of removals.splice(0)) remove();
});

describe('the instrumentation hook', () => {
  it('is empty until a listener is installed, and empty again after its removal', () => {
    expect(instrumentation()).toBeUndefined();
    const [listener] = journal();
    const remove = instrument(listener);
    expect(instrumentation()).toBe(listener);
    // Kept in one slot on globalThis under a registered symbol: every copy of core finds the same listener.
    const slot = (globalThis as Record<symbol, { listener?: unknown }>)[
      Symbol.for('@zenoti-auth/core/instrumentation')
    ];
    expect(slot?.listener).toBe(listener);
    const [later] = journal();
    const removeLater = instrument(later);
    remove(); // the earlier one's removal leaves the later one in place
    expect(instrumentation()).toBe(later);
    removeLater();
    expect(instrumentation()).toBeUndefined();
  });

  it('callInfo: upper-case method, the URL without query, fragment or user info', () => {
    expect(callInfo('get', 'https://api.zenoti.com/v1/guests/search?phone=555&key=secret#x')).toEqual({
      method: 'GET',
      url: 'https://api.zenoti.com/v1/guests/search',
    });
    expect(callInfo('post', 'https://user:p%40ss@api.zenoti.com/v1/a@b/c').url).toBe(
      'https://api.zenoti.com/v1/a@b/c',
    );
  });

  it('follows a call: its grant, a 401, the refresh, the resend and the end, in order', async () => {
    const z = await zenoti();
    const [listener, lines] = journal();
    // The 401 of a token that had worked is reported as a warning event: heard here, not printed.
    const auth = new ZenotiAuth(serviceUser(z.url, { onEvent: () => undefined }));
    removals.push(instrument(listener));
    await auth.fetch('/v1/centers?size=1');
    z.control.expireAccessTokens();
    await auth.fetch('/v1/centers', { method: 'head' });
    const url = `${z.url}/v1/centers`;
    expect(lines).toEqual([
      `call GET ${url}`,
      'grant password',
      'grant end - -',
      'call send',
      'call end - 200',
      `call HEAD ${url}`,
      'call send',
      'grant refresh',
      'grant end - -',
      'call resend',
      'call send',
      'call end - 200',
    ]);
  });

  it('times permit waits, reports Zenoti’s rate-limit headers, and tells nothing of secrets', async () => {
    const z = await zenoti({ rateLimit: { limit: 100, windowSeconds: 60 } });
    const [listener, lines] = journal();
    removals.push(instrument(listener));
    const budget = new MemoryRateBudget({ limit: 1, intervalMs: 200 });
    const auth = new ZenotiAuth({ ...serviceUser(z.url), rateLimit: { budget } });
    await Promise.all([auth.fetch(`/v1/centers?api_key=${D.apiKey}`), auth.fetch('/v1/centers')]);
    expect(lines.filter((l) => l.endsWith(' wait')).length).toBeGreaterThanOrEqual(1);
    expect(lines.filter((l) => l.startsWith('rateLimit '))).toContain(`rateLimit 98 false ${D.accountName}`);
    const told = lines.join('\n');
    for (const secret of [D.apiKey, D.employeeApp.appSecret, D.employee.password])
      expect(told).not.toContain(secret);
  });

  it('a call or grant the listener answers `undefined` for goes as if no one listened', async () => {
    const z = await zenoti();
    const [journaled, lines] = journal();
    // A listener with no SDK behind it records nothing: it answers `undefined` for each call and grant.
    const listener: ZenotiInstrumentation = {
      ...journaled,
      call: (info) => {
        journaled.call(info);
        return undefined;
      },
      grant: (grant) => {
        journaled.grant(grant);
        return undefined;
      },
    };
    removals.push(instrument(listener));
    const auth = new ZenotiAuth(serviceUser(z.url, { onEvent: () => undefined }));
    const response = await auth.fetch('/v1/centers');
    expect(response.status).toBe(200);
    z.control.expireAccessTokens();
    expect((await auth.fetch('/v1/centers')).status).toBe(200);
    // Asked, and then not followed: no scope was sent, waited, resent nor ended.
    expect(lines).toEqual([
      `call GET ${z.url}/v1/centers`,
      'grant password',
      `call GET ${z.url}/v1/centers`,
      'grant refresh',
    ]);
  });

  it('a listener installed after the engine was made hears it; nothing is told once it is removed', async () => {
    const z = await zenoti();
    const auth = new ZenotiAuth({ apiKey: D.apiKey, baseUrl: z.url });
    const [listener, lines] = journal();
    const remove = instrument(listener);
    await auth.fetch('/v1/centers');
    remove();
    await auth.fetch('/v1/centers');
    expect(lines.filter((l) => l.startsWith('call GET'))).toHaveLength(1);
  });
});
