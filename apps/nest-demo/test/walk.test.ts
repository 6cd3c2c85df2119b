import { MemoryTokenStore } from '@zenoti-auth/core';
import { describe, expect, it } from 'vitest';
import { run } from '../src/walk.ts';
import { mockZenoti, SECRETS } from './support.ts';

describe('run(): the scripted walk the root tour uses', () => {
  it('boots the app on a free port against the given mock, walks its routes, closes it, and prints no secret', async () => {
    const mock = await mockZenoti();
    const lines: string[] = [];
    await run({ mock, store: new MemoryTokenStore(), print: (line) => lines.push(line) });
    const out = lines.join('\n');
    expect(out).toMatch(/GET \/centers[^\n]*\n\s+→ 200, 3 centres/);
    expect(out).toMatch(/tokens obtained 1, last: password grant → …\S{4}, expires \S+Z/);
    expect(out).toMatch(/tokens obtained 2, last: refresh grant/);
    expect(out).toMatch(/→ 404 "No such guest\."/);
    expect(mock.control.counters().token).toMatchObject({
      total: 2,
      password: { ok: 1 },
      refresh: { ok: 1 },
    });
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
    await expect(fetch(`${url}/centers`)).rejects.toThrow(); // the app is closed
    for (const secret of SECRETS) expect(out).not.toContain(secret);
    expect(out).not.toContain('$ARD#');
  });
});
