import { ZenotiAuth, type ZenotiAuthEvent } from '@zenoti-auth/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type DurableObjectNamespaceLike, DurableObjectRateBudget } from '../src/index.ts';

// A budget of one organisation used by an engine of another warns as it is made (`forAccount`), before
// any call to an object: a namespace that is never called will do. Without `onWarning`, the warning is
// a `warning` event of the engine, and reaches the console only when no engine listens: the console is
// what is under test (spied on and kept quiet), not replaced.

const namespace = (): DurableObjectNamespaceLike => ({
  idFromName: () => {
    throw new Error('not called');
  },
  get: () => {
    throw new Error('not called');
  },
});

function consoleWarnings(): string[] {
  const lines: string[] = [];
  vi.spyOn(console, 'warn').mockImplementation((line: unknown) => void lines.push(String(line)));
  return lines;
}
afterEach(() => {
  vi.restoreAllMocks();
});

const TWO_ORGANISATIONS =
  '[@zenoti-auth/cloudflare] The rate budget of "acme" paces "other" too: two organisations, one window.';

/** An engine of the account "other" on `budget`, with its `warning` events. */
function engineOf(budget: DurableObjectRateBudget, listen: boolean) {
  const warnings: string[] = [];
  const onEvent = (e: ZenotiAuthEvent) =>
    void (e.type === 'warning' && warnings.push(`${e.source} ${e.level} ${e.message}`));
  new ZenotiAuth({
    app: { accountName: 'other', appId: 'app-id', appSecret: 'app-secret-of-the-test' },
    rateLimit: { budget },
    ...(listen ? { onEvent } : {}),
  });
  return warnings;
}

describe('DurableObjectRateBudget without onWarning', () => {
  it("tells the engine (source 'budget'), once for the isolate; nothing on the console", () => {
    const printed = consoleWarnings();
    const budget = new DurableObjectRateBudget({ namespace: namespace(), account: 'acme' });
    const first = engineOf(budget, true);
    const second = engineOf(budget, true);
    expect(first).toEqual([`budget warn ${TWO_ORGANISATIONS}`]);
    expect(second).toEqual([]);
    expect(printed).toEqual([]);
  });

  it('says it on console.warn when the engine does not listen', () => {
    const printed = consoleWarnings();
    const budget = new DurableObjectRateBudget({ namespace: namespace(), account: 'acme' });
    expect(engineOf(budget, false)).toEqual([]);
    expect(printed).toEqual([TWO_ORGANISATIONS]);
  });
});
