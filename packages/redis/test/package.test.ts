import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tokenSet } from './contract.ts';
import {
  CLIENT_KINDS,
  type ClientKind,
  D,
  ioredis,
  keysUnder,
  onCleanup,
  REDIS_HOST,
  REDIS_PORT,
  storeKeyOf,
  uniquePrefix,
  zenoti,
} from './support.ts';

/** The export lists of the built entries, checked in: a change here is a change of the public API. */
const EXPORTS = {
  index: ['CONNECTION_OPTION_RULES', 'RedisTokenStore', 'clientJSON', 'openLink', 'sender'],
  encryption: ['encryption'],
  'rate-budget': ['RedisRateBudget'],
};

const dist = (file: string): string => fileURLToPath(new URL(`../dist/${file}`, import.meta.url));
const require = createRequire(import.meta.url);

interface Loaded {
  redis: { RedisTokenStore: new (options: Record<string, unknown>) => StoreLike };
  encryption: { encryption(key: string): unknown };
  core: {
    ZenotiAuth: new (options: Record<string, unknown>) => { authorization(): Promise<string> };
    ZenotiAuthError: new (...args: never[]) => Error;
  };
  ioredis: { Redis: new (options: Record<string, unknown>) => ClientLike };
  nodeRedis: { createClient(options: Record<string, unknown>): ClientLike & { connect(): Promise<unknown> } };
}
interface StoreLike {
  get(key: string): Promise<unknown>;
  set(key: string, value: unknown, ttlMs: number): Promise<void>;
  close(): Promise<void>;
}
interface ClientLike {
  on(event: string, listener: () => void): unknown;
  disconnect?(): unknown;
  destroy?(): unknown;
}

/** The package, core and both clients, all loaded the same way (ESM `import` or CJS `require`). */
async function load(format: 'esm' | 'cjs'): Promise<Loaded> {
  if (format === 'cjs') {
    return {
      redis: require(dist('index.cjs')),
      encryption: require(dist('encryption.cjs')),
      core: require('@zenoti-auth/core'),
      ioredis: require('ioredis'),
      nodeRedis: require('redis'),
    };
  }
  const loaded: Record<keyof Loaded, unknown> = {
    redis: await import(dist('index.mjs')),
    encryption: await import(dist('encryption.mjs')),
    core: await import('@zenoti-auth/core'),
    ioredis: await import('ioredis'),
    nodeRedis: await import('redis'),
  };
  return loaded as Loaded;
}

async function connect(loaded: Loaded, kind: ClientKind): Promise<ClientLike> {
  if (kind === 'ioredis') {
    const client = new loaded.ioredis.Redis({ host: REDIS_HOST, port: REDIS_PORT, maxRetriesPerRequest: 1 });
    client.on('error', () => undefined);
    onCleanup(async () => client.disconnect?.());
    return client;
  }
  const client = loaded.nodeRedis.createClient({ socket: { host: REDIS_HOST, port: REDIS_PORT } });
  client.on('error', () => undefined);
  await client.connect();
  onCleanup(async () => client.destroy?.());
  return client;
}

describe('built package', () => {
  it('has the same, expected exports as ESM and as CJS, in every entry of the exports map', async () => {
    const manifest = JSON.parse(
      readFileSync(fileURLToPath(new URL('../package.json', import.meta.url)), 'utf8'),
    );
    expect(Object.keys(manifest.exports)).toEqual(['.', './encryption', './rate-budget', './package.json']);
    for (const [entry, names] of Object.entries(EXPORTS)) {
      const esm = await import(dist(`${entry}.mjs`));
      const cjs = require(dist(`${entry}.cjs`));
      expect(Object.keys(esm).sort()).toEqual(names);
      expect(Object.keys(cjs).sort()).toEqual(names);
    }
  });

  it('imports no Redis client statically and nothing from node:; /rate-budget builds on the main entry', () => {
    // A Redis URL as `client` loads ioredis or redis by name at run time (see link.ts), only then.
    // The cipher is core's: `@zenoti-auth/redis/encryption` re-exports `@zenoti-auth/core/encryption`.
    const only = {
      index: ['@zenoti-auth/core', '@zenoti-auth/core/shared-store'],
      encryption: ['@zenoti-auth/core/encryption'],
      // The budget's Redis connection is the main entry's (one copy of the client layer).
      'rate-budget': [
        '@zenoti-auth/core',
        '@zenoti-auth/core/rate-budget',
        '@zenoti-auth/core/shared-store',
        '@zenoti-auth/redis',
      ],
    };
    for (const [entry, file] of Object.keys(only).flatMap((e) =>
      [`${e}.mjs`, `${e}.cjs`].map((f): [string, string] => [e, f]),
    )) {
      const code = readFileSync(dist(file), 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/^\s*\/\/.*$/gm, '');
      const imported = [...code.matchAll(/(?:from\s+|require\()\s*["']([^"']+)["']/g)].map((m) => m[1]);
      expect([...new Set(imported)].sort(), file).toEqual(only[entry as keyof typeof only]);
    }
  });

  for (const format of ['esm', 'cjs'] as const) {
    for (const kind of CLIENT_KINDS) {
      it(`works from ${format.toUpperCase()} with ${kind}: encrypted round trip and a real authorization`, async () => {
        const loaded = await load(format);
        const client = await connect(loaded, kind);
        const prefix = uniquePrefix();
        const warnings: string[] = [];
        const store = new loaded.redis.RedisTokenStore({
          client,
          prefix,
          encryption: loaded.encryption.encryption('package-test encryption key, 32+ characters'),
          onWarning: (message: string) => warnings.push(message),
        });
        onCleanup(() => store.close());
        const set = tokenSet(1);
        await store.set('round-trip', set, 60_000);
        expect(await store.get('round-trip')).toEqual(set);

        const z = await zenoti();
        const auth = new loaded.core.ZenotiAuth({
          baseUrl: z.url,
          app: { accountName: D.accountName, ...D.employeeApp },
          user: { ...D.employee },
          store,
        });
        const header = await auth.authorization();
        expect(header).toMatch(/^bearer AN:demo-spa\|/);
        expect(z.control.counters().token.password.ok).toBe(1);
        const [tokenKey] = (await keysUnder(prefix)).filter((key) => !key.includes('{round-trip}'));
        expect(
          `bearer ${((await store.get(storeKeyOf(prefix, tokenKey ?? ''))) as { accessToken?: string })?.accessToken}`,
        ).toBe(header);
        expect(await ioredis().get(tokenKey ?? '')).not.toContain(header.slice('bearer '.length));
        expect(warnings).toEqual([]);
        // The error class is core's, from the same module system, in both entries.
        expect(() => new loaded.redis.RedisTokenStore({ client: {} })).toThrow(loaded.core.ZenotiAuthError);
        expect(() => loaded.encryption.encryption('short')).toThrow(loaded.core.ZenotiAuthError);
      });
    }
  }
});
