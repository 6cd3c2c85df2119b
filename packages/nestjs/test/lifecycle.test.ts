import { Logger, type LoggerService } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { MemoryTokenStore, ZenotiAuth, type ZenotiAuthEvent } from '@zenoti-auth/core';
import { ZenotiAuthModule } from '@zenoti-auth/nestjs';
import { afterEach, describe, expect, it } from 'vitest';
import { compile, D, SECRETS, serviceUser, zenoti } from './support.ts';

class CapturingLogger implements LoggerService {
  readonly lines: string[] = [];
  log(message: unknown, context?: unknown): void {
    this.lines.push(`log ${String(context)} ${String(message)}`);
  }
  warn(message: unknown, context?: unknown): void {
    this.lines.push(`warn ${String(context)} ${String(message)}`);
  }
  error(message: unknown, context?: unknown): void {
    this.lines.push(`error ${String(context)} ${String(message)}`);
  }
}

afterEach(() => {
  Logger.overrideLogger(false);
});

describe('application shutdown', () => {
  it('revokeOnShutdown: true revokes the app’s own token once (mock revoke counter)', async () => {
    const mock = await zenoti();
    const events: ZenotiAuthEvent[] = [];
    const store = new MemoryTokenStore();
    const moduleRef = await compile({
      imports: [
        ZenotiAuthModule.forRoot({
          ...serviceUser(mock.url, { store, onEvent: (event) => events.push(event) }),
          revokeOnShutdown: true,
        }),
      ],
    });
    const auth = moduleRef.get(ZenotiAuth);
    const sent = await auth.authorization();
    expect(mock.control.counters().revoke.total).toBe(0);

    await moduleRef.close();
    await moduleRef.close(); // a second close does not revoke again
    expect(mock.control.counters().revoke).toMatchObject({ total: 1, ok: 1 });
    expect(events.filter((e) => e.type === 'invalidated').map((e) => 'reason' in e && e.reason)).toEqual([
      'revoke',
    ]);
    // The revoked token is dead at Zenoti, and gone from the store: a new engine mints a fresh one.
    const res = await fetch(`${mock.url}/v1/centers`, { headers: { authorization: sent } });
    expect(res.status).toBe(401);
    const fresh = new ZenotiAuth(serviceUser(mock.url, { store }));
    expect(await fresh.authorization()).not.toBe(sent);
  });

  it('does not revoke by default', async () => {
    const mock = await zenoti();
    const moduleRef = await compile({ imports: [ZenotiAuthModule.forRoot(serviceUser(mock.url))] });
    await moduleRef.get(ZenotiAuth).authorization();
    await moduleRef.close();
    expect(mock.control.counters().revoke.total).toBe(0);
  });

  it.each([
    ['an API key', (url: string) => ({ baseUrl: url, apiKey: D.apiKey })],
    [
      'an app without a service user',
      (url: string) => ({ baseUrl: url, app: { accountName: D.accountName, ...D.guestApp } }),
    ],
  ])('revokeOnShutdown with %s has nothing to revoke and shuts down cleanly', async (_, options) => {
    const mock = await zenoti();
    const moduleRef = await compile({
      imports: [ZenotiAuthModule.forRoot({ ...options(mock.url), revokeOnShutdown: true })],
    });
    await expect(moduleRef.close()).resolves.toBeUndefined();
    expect(mock.control.counters().revoke.total).toBe(0);
  });

  it('shutdown goes on when Zenoti refuses the revocation', async () => {
    const mock = await zenoti();
    const moduleRef = await compile({
      imports: [ZenotiAuthModule.forRoot({ ...serviceUser(mock.url), revokeOnShutdown: true })],
    });
    await moduleRef.get(ZenotiAuth).authorization();
    mock.control.injectFault('revoke', { kind: 'status', status: 503 });
    await expect(moduleRef.close()).resolves.toBeUndefined();
    expect(mock.control.counters().revoke.faulted).toBe(1);
  });

  it('logEvents logs fingerprints through Nest’s Logger and removes its listeners on shutdown', async () => {
    const mock = await zenoti();
    const logger = new CapturingLogger();
    const moduleRef = await Test.createTestingModule({
      imports: [ZenotiAuthModule.forRoot({ ...serviceUser(mock.url), name: 'spa', logEvents: true })],
    })
      .setLogger(logger)
      .compile();
    await moduleRef.init();
    const auth = moduleRef.get<ZenotiAuth>('ZenotiAuth:spa');
    const header = await auth.authorization();
    const tokenLines = logger.lines.filter((line) => line.includes('password grant'));
    expect(tokenLines).toHaveLength(1);
    expect(tokenLines[0]).toMatch(
      /^log ZenotiAuth:spa password grant for the app: token …\S{4}, expires \d{4}-/,
    );
    const token = header.slice('bearer '.length);
    for (const line of logger.lines) {
      expect(line).not.toContain(token);
      for (const secret of SECRETS) expect(line).not.toContain(secret);
    }

    await moduleRef.close();
    const before = logger.lines.length;
    await auth.invalidate(header); // an event after shutdown: nobody listens any more
    await auth.authorization();
    expect(logger.lines.slice(before).filter((line) => line.includes('ZenotiAuth:spa'))).toEqual([]);
  });
});
