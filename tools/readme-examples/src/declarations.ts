// The names README fragments use without defining them, per README (the package directory's name),
// with the type the harness declares for each: `<!-- example: fragment, declares: secrets -->` becomes
// `declare const secrets: { get(name: string): Promise<string> };` before the block. A fragment may use
// only what it declares; anything else it needs it imports itself, as a reader copying it would.

const ZENOTI_APP = "import('@zenoti-auth/core').ZenotiApp";
const ZENOTI_USER = "import('@zenoti-auth/core').ZenotiUser";
const IOREDIS = "import('ioredis').Redis";

export const DECLARATIONS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  core: {
    accountName: 'string',
    appId: 'string',
    appSecret: 'string',
    username: 'string',
    password: 'string',
    guestId: 'string',
    apiKey: 'string',
    secrets: '{ get(name: string): Promise<string> }',
  },
  hono: {
    app: "import('hono').Hono<import('@zenoti-auth/hono').ZenotiAuthEnv>",
    employeeApp: ZENOTI_APP,
    serviceUser: ZENOTI_USER,
    signIn: "ReturnType<typeof import('@zenoti-auth/hono/sign-in').zenotiSignIn>",
    redis: IOREDIS,
    logger: '{ error(fields: Record<string, unknown>, message: string): void }',
  },
  express: {
    app: "import('express').Express",
    logger: '{ error(fields: Record<string, unknown>, message: string): void }',
  },
  fastify: {
    app: "import('fastify').FastifyInstance",
  },
  axios: {
    zenoti: "import('axios').AxiosInstance",
    redis: IOREDIS,
  },
  nestjs: {
    app: "import('@nestjs/common').INestApplication",
    redis: IOREDIS,
  },
  redis: {
    app: ZENOTI_APP,
    user: ZENOTI_USER,
    redis: IOREDIS,
    nodes: 'Array<{ host: string; port: number }>',
    sentinels: 'Array<{ host: string; port: number }>',
  },
  cloudflare: {
    app: ZENOTI_APP,
    user: ZENOTI_USER,
    env: "{ ZENOTI_AUTH: import('@zenoti-auth/cloudflare').DurableObjectNamespaceLike; ZENOTI_TOKEN_KEY: string }",
  },
  'mock-server': {
    zenoti: "import('@zenoti-auth/mock-server').RunningMockZenoti",
  },
};

/** The declared type of `name` for a fragment of the README of package `pkg`, if there is one. */
export function declarationOf(pkg: string, name: string): string | undefined {
  const table = DECLARATIONS[pkg] ?? {};
  return Object.hasOwn(table, name) ? table[name] : undefined;
}
