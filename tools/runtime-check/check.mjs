// One program for Node, Bun and Deno alike (run.mjs starts it in each). It imports the BUILT
// @zenoti-auth/core and @zenoti-auth/hono as an app does (ESM, and CJS through require), makes real
// calls to the mock Zenoti whose URL and demo credentials it gets as its one argument, serves a
// Hono app with the runtime's own HTTP server, and prints what it saw as one line of JSON.
// run.mjs compares the lines: every runtime must print exactly what Node prints.
import { createRequire } from 'node:module';
import * as core from '@zenoti-auth/core';
import * as coreHttp from '@zenoti-auth/core/http';
import * as hono from '@zenoti-auth/hono';
import * as proxy from '@zenoti-auth/hono/proxy';
import * as signIn from '@zenoti-auth/hono/sign-in';
import { Hono } from 'hono';

const runtime = globalThis.Bun ? 'bun' : globalThis.Deno ? 'deno' : 'node';
const [config] = runtime === 'deno' ? globalThis.Deno.args : process.argv.slice(2);
const { url, D } = JSON.parse(config);
const require = createRequire(import.meta.url);
const keys = (entry) => Object.keys(entry).sort();

/** The exports of every public entry, as `import` and as `require()` see them (package.test.ts). */
function exportsOfEntries() {
  const entries = {
    '@zenoti-auth/core': core,
    '@zenoti-auth/core/http': coreHttp,
    '@zenoti-auth/hono': hono,
    '@zenoti-auth/hono/proxy': proxy,
    '@zenoti-auth/hono/sign-in': signIn,
  };
  return Object.fromEntries(
    Object.entries(entries).map(([name, esm]) => [name, { esm: keys(esm), cjs: keys(require(name)) }]),
  );
}

/** core's package test: each copy (ESM, CJS) recognises the other's engine, and nothing else. */
function recognisesEngines() {
  const cjs = require('@zenoti-auth/core');
  const fromEsm = new core.ZenotiAuth({ apiKey: 'k'.repeat(64) });
  const fromCjs = new cjs.ZenotiAuth({ apiKey: 'k'.repeat(64) });
  return [
    cjs.isZenotiAuth(fromEsm),
    core.isZenotiAuth(fromCjs),
    ...[null, {}, { authorization: () => 'x' }, 'engine'].map((other) => core.isZenotiAuth(other)),
  ];
}

/** `ZenotiAuth.fetch` with the API key and with a service user's token, and a typed error. */
async function coreCalls() {
  const byKey = new core.ZenotiAuth({ baseUrl: url, apiKey: D.apiKey });
  const keyAnswer = await byKey.fetch('/v1/centers');
  const service = new core.ZenotiAuth({
    baseUrl: url,
    app: { accountName: D.accountName, ...D.employeeApp },
    user: D.employee,
    store: new core.MemoryTokenStore(),
  });
  const tokenAnswer = await service.fetch('/v1/centers');
  const wrong = new core.ZenotiAuth({
    baseUrl: url,
    app: { accountName: D.accountName, ...D.employeeApp },
    user: { username: D.employee.username, password: 'not-the-password' },
    store: new core.MemoryTokenStore(),
  });
  const refused = await wrong.authorization().catch((error) => error);
  return {
    apiKey: [keyAnswer.status, (await keyAnswer.json()).centers?.length > 0],
    token: [tokenAnswer.status, (await service.authorization()).startsWith('bearer ')],
    wrongPassword: [core.isZenotiAuthError(refused), refused?.code],
    httpAnswer: coreHttp.httpAnswerOf({ code: 'TIMEOUT' }).status,
  };
}

/** The runtime's own HTTP server on 127.0.0.1 (port chosen by the system), serving `app`. */
async function serve(app) {
  if (runtime === 'bun') {
    const server = globalThis.Bun.serve({ hostname: '127.0.0.1', port: 0, fetch: app.fetch });
    return { origin: `http://127.0.0.1:${server.port}`, close: () => server.stop(true) };
  }
  if (runtime === 'deno') {
    const server = globalThis.Deno.serve({ hostname: '127.0.0.1', port: 0, onListen() {} }, app.fetch);
    return { origin: `http://127.0.0.1:${server.addr.port}`, close: () => server.shutdown() };
  }
  const { serve: nodeServe } = await import('@hono/node-server');
  const server = await new Promise((resolve) => {
    const s = nodeServe({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(s));
  });
  return {
    origin: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/**
 * hono's package test, over real HTTP: the middleware, the proxy (an allowed path and one outside
 * the allow-list) and a guest's sign-in: [direct, proxied, refused, its body, sign-in, cookie name].
 */
async function honoApp() {
  const app = new Hono();
  const byKey = () => hono.zenotiAuth({ baseUrl: url, apiKey: D.apiKey });
  app.get('/centers', byKey(), async (c) => c.text(String((await c.var.zenoti.fetch('/v1/centers')).status)));
  app.get('/api/*', byKey(), proxy.zenotiProxy({ prefix: '/api', allow: ['GET /v1/centers'] }));
  const guests = hono.zenotiAuth({
    baseUrl: url,
    app: { accountName: D.accountName, ...D.guestApp },
    store: new core.MemoryTokenStore(),
  });
  const session = signIn.zenotiSignIn({ cookie: { secret: 's'.repeat(32), secure: false } });
  app.post('/login', guests, session.login);
  const server = await serve(app);
  try {
    const direct = await (await fetch(`${server.origin}/centers`)).text();
    const proxied = await fetch(`${server.origin}/api/v1/centers`);
    await proxied.arrayBuffer();
    const refused = await fetch(`${server.origin}/api/v1/guests/search`);
    const [guest] = D.guests;
    const login = await fetch(`${server.origin}/login`, {
      method: 'POST',
      headers: { origin: server.origin, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ username: guest.username, password: guest.password }),
      redirect: 'manual',
    });
    await login.arrayBuffer();
    const cookie = (login.headers.get('set-cookie') ?? '').split('=')[0];
    return [direct, proxied.status, refused.status, await refused.text(), login.status, cookie];
  } finally {
    await server.close();
  }
}

const report = {
  // The files `import` loads: the ESM build (dist/*.mjs) in every runtime.
  resolved: ['@zenoti-auth/core', '@zenoti-auth/hono'].map((name) =>
    import.meta.resolve(name).split('/').slice(-3).join('/'),
  ),
  exports: exportsOfEntries(),
  recognisesEngines: recognisesEngines(),
  core: await coreCalls(),
  hono: await honoApp(),
};
console.log(JSON.stringify(report));
