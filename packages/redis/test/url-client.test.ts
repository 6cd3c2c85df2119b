import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inspect } from 'node:util';
import { ZenotiAuth } from '@zenoti-auth/core';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { RedisRateBudget } from '../src/rate-budget.ts';
import { tokenSet } from './contract.ts';
import { PrivateRedis } from './redis-server.ts';
import {
  ioredis,
  onCleanup,
  REDIS_HOST,
  redisStore,
  serviceUser,
  uniquePrefix,
  until,
  zenoti,
} from './support.ts';

const PASSWORD = 'url-pa55word-that-must-never-show';
const root = fileURLToPath(new URL('..', import.meta.url));

/** A Redis of the test's own, with a password, and an admin connection that counts its clients. */
async function passwordRedis(): Promise<{ url: string; connections: () => Promise<number> }> {
  const redis = await PrivateRedis.start({ password: PASSWORD });
  onCleanup(() => redis.stop());
  const admin = new Redis({ host: REDIS_HOST, port: redis.port, password: PASSWORD });
  onCleanup(async () => admin.disconnect());
  return {
    url: `redis://:${PASSWORD}@${REDIS_HOST}:${redis.port}/0`,
    // Clients other than the admin connection itself.
    connections: async () => Number(/connected_clients:(\d+)/.exec(await admin.info('clients'))?.[1]) - 1,
  };
}

/** Everything a store or error shows a person: messages, JSON, inspect. */
const shown = (...values: unknown[]): string =>
  values.map((v) => `${JSON.stringify(v)} ${inspect(v, { depth: 5, showHidden: true })}`).join(' ');

describe('a Redis URL as client', () => {
  it('opens its own ioredis client, works with the engine, and close() closes it', async () => {
    const { url, connections } = await passwordRedis();
    const prefix = uniquePrefix();
    const { store, warnings } = redisStore({ client: url, prefix });
    const set = tokenSet(1);
    await store.set('k', set, 60_000);
    expect(await store.get('k')).toEqual(set);
    expect(store.toJSON()).toMatchObject({ client: 'ioredis', ownsClient: true });
    expect(await connections()).toBe(1);

    const z = await zenoti();
    const auth = new ZenotiAuth({ ...serviceUser(z.url), store });
    expect(await auth.authorization()).toMatch(/^bearer /);

    await store.close();
    await until(async () => (await connections()) === 0, 5_000, 'the store’s connection to close');
    const error = await store.get('k').then(
      () => expect.fail('a closed store cannot read'),
      (e: unknown) => e as Error,
    );
    expect(error.message).toMatch(/^\[@zenoti-auth\/redis\] Redis GET failed: not connected/);
    expect(shown(store, error, error.cause, warnings)).not.toContain(PASSWORD);
  });

  it('a client you pass stays open after close()', async () => {
    const client = ioredis();
    const { store } = redisStore({ client, prefix: uniquePrefix() });
    await store.get('k');
    await store.close();
    expect(await client.ping()).toBe('PONG');
    expect(store.toJSON()).toMatchObject({ client: 'ioredis', ownsClient: false });
  });

  it('RedisRateBudget takes one too, owns it, and never shows it', async () => {
    const { url, connections } = await passwordRedis();
    const budget = new RedisRateBudget({ client: url, prefix: uniquePrefix(), limit: 2, intervalMs: 60_000 });
    expect([await budget.take(), await budget.take()]).toEqual([0, 0]);
    expect(await budget.take()).toBeGreaterThan(0);
    expect(await connections()).toBe(1);
    expect(budget.toJSON()).toMatchObject({ type: 'RedisRateBudget', client: 'ioredis', ownsClient: true });
    expect(shown(budget)).not.toContain(PASSWORD);
    await budget.close();
    await until(async () => (await connections()) === 0, 5_000, 'the budget’s connection to close');
  });

  it('never shows the password of a URL whose client cannot log in', async () => {
    const { url } = await passwordRedis();
    const wrong = url.replace(PASSWORD, 'a-wrong-pa55word-in-the-url');
    const { store, warnings } = redisStore({ client: wrong, prefix: uniquePrefix(), commandTimeoutMs: 300 });
    const error = await store.get('k').then(
      () => expect.fail('a wrong password cannot read'),
      (e: unknown) => e as Error,
    );
    expect(`${error.message} ${warnings.join(' ')}`).toMatch(/WRONGPASS|no answer within/);
    expect(shown(store, error, error.cause, warnings)).not.toContain('a-wrong-pa55word-in-the-url');
  });
});

/**
 * A project of its own in a temporary directory, laid out as npm installs it: this package (its
 * package.json and built dist), core, and node-redis only when `withNodeRedis`. ioredis is not
 * there, and no directory above has a node_modules.
 */
function project(withNodeRedis: boolean): string {
  const dir = mkdtempSync(join(tmpdir(), 'zenoti-redis-url-'));
  onCleanup(async () => rmSync(dir, { recursive: true, force: true }));
  const modules = join(dir, 'node_modules');
  mkdirSync(join(modules, '@zenoti-auth/redis'), { recursive: true });
  cpSync(join(root, 'package.json'), join(modules, '@zenoti-auth/redis/package.json'));
  cpSync(join(root, 'dist'), join(modules, '@zenoti-auth/redis/dist'), { recursive: true });
  const linked = (name: string): void =>
    symlinkSync(realpathSync(join(root, 'node_modules', name)), join(modules, name), 'dir');
  linked('@zenoti-auth/core');
  if (withNodeRedis) linked('redis');
  cpSync(join(root, 'test/fixtures/url-client-project.mjs'), join(dir, 'main.mjs'));
  return dir;
}

/** Runs the project's main.mjs; it must end by itself within 15 s. Resolves what it printed. */
function run(dir: string, env: Record<string, string>): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['main.mjs'],
      { cwd: dir, env: { ...process.env, ...env }, timeout: 15_000 },
      (error, stdout, stderr) =>
        error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(JSON.parse(stdout)),
    );
  });
}

describe('a Redis URL in a project without ioredis', () => {
  it('uses node-redis, and closes it: the process ends by itself', async () => {
    const { url } = await passwordRedis();
    const out = await run(project(true), { REDIS_URL: url, PREFIX: uniquePrefix() });
    expect(out).toMatchObject({
      read: { version: 1, accessToken: 'url-project-access-token' },
      json: { type: 'RedisTokenStore', client: 'node-redis', ownsClient: true },
    });
    expect(out.error).toBeUndefined();
    expect(JSON.stringify(out)).not.toContain(PASSWORD);
  });

  it('without node-redis either: STORE errors and one warning say what to install', async () => {
    const out = await run(project(false), {
      REDIS_URL: `redis://:${PASSWORD}@${REDIS_HOST}:6379`,
      PREFIX: 'x:',
    });
    expect(out.error).toBe(
      '[@zenoti-auth/redis] Could not create a client for the Redis URL: neither ioredis nor redis (node-redis) is installed. Install ioredis, or pass a client.',
    );
    expect(out.warnings).toEqual([
      expect.stringContaining('Token sets are stored in Redis in plain text'),
      '[@zenoti-auth/redis] Redis fails: neither ioredis nor redis (node-redis) is installed. Token sets, the lock and the rate budget are not shared meanwhile; this process carries on alone.',
    ]);
    expect(out.json).toMatchObject({ client: 'opening', ownsClient: true });
    expect(JSON.stringify(out)).not.toContain(PASSWORD);
  });
});
