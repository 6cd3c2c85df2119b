import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createNestDemo } from '../src/demo.ts';
import { D, demo, get, mockZenoti, TestClock, tokenEnv } from './support.ts';

const ALICE = D.guests[0].guestId;
const DAY = 24 * 60 * 60 * 1000;

describe('nest-demo over real HTTP (platform-express on 127.0.0.1:0)', () => {
  it('serves centres, a guest profile and the token status; refreshes at expiry', async () => {
    const clock = new TestClock();
    const mock = await mockZenoti({ now: clock.now });
    const { url } = await demo(tokenEnv(mock.url), { now: clock.now });

    const centers = await get(url, '/centers');
    expect(centers.status).toBe(200);
    expect(centers.body).toMatchObject({
      total: 3,
      centers: expect.arrayContaining([
        expect.objectContaining({ name: 'Demo Spa Downtown', city: 'Seattle' }),
      ]),
    });

    const guest = await get(url, `/guests/${ALICE}`);
    expect(guest).toMatchObject({
      status: 200,
      body: { id: ALICE, name: 'Alice Anderson', email: D.guests[0].username },
    });

    const status = await get(url, '/token-status');
    const sent = mock.control.requests().find((r) => r.path === '/v1/centers')?.authorization;
    expect(status.body).toMatchObject({
      mode: 'token',
      zenoti: mock.url,
      authorization: sent,
      tokensObtained: 1,
      lastToken: {
        grant: 'password',
        expiresAt: new Date(clock.now() + DAY).toISOString(),
        secondsLeft: 86_400,
      },
    });
    expect(mock.control.counters().token.total).toBe(1);

    clock.advance(DAY + 1_000); // the token has expired on both clocks
    expect((await get(url, '/centers')).status).toBe(200);
    const after = await get(url, '/token-status');
    expect(after.body).toMatchObject({
      tokensObtained: 2,
      lastToken: { grant: 'refresh', secondsLeft: 86_400 },
    });
    expect((after.body as { authorization: string }).authorization).not.toBe(sent);
    expect(mock.control.counters().token).toMatchObject({ total: 2, refresh: { ok: 1 } });
  });

  it('uses an API key when ZENOTI_API_KEY is set', async () => {
    const mock = await mockZenoti();
    const { url } = await demo({ ZENOTI_BASE_URL: mock.url, ZENOTI_API_KEY: D.apiKey });
    expect((await get(url, '/centers')).status).toBe(200);
    expect((await get(url, '/token-status')).body).toEqual({
      mode: 'apiKey',
      zenoti: mock.url,
      authorization: `apikey …${D.apiKey.slice(-4)}`,
      tokensObtained: 0,
      lastToken: null,
    });
    expect(mock.control.counters().token.total).toBe(0);
  });

  it('answers an unknown guest with 404 and a malformed id with 400', async () => {
    const mock = await mockZenoti();
    const { url } = await demo(tokenEnv(mock.url));
    expect((await get(url, '/guests/31a255d5-5a74-417e-ac93-000000000000')).status).toBe(404);
    expect((await get(url, '/guests/not-a-guid')).status).toBe(400);
  });

  it('a password Zenoti rejects → 502 CREDENTIALS_REJECTED on every route, without a secret', async () => {
    const mock = await mockZenoti();
    const { url } = await demo(tokenEnv(mock.url, { ZENOTI_PASSWORD: 'Not-The-Password-1' }));
    for (const path of ['/centers', `/guests/${ALICE}`, '/token-status']) {
      const answer = await get(url, path);
      expect(answer.status).toBe(502);
      expect(answer.body).toMatchObject({ code: 'CREDENTIALS_REJECTED' });
      expect(answer.raw).not.toContain('Not-The-Password-1');
    }
  });

  it('bad settings fail start-up, naming the field', async () => {
    await expect(
      createNestDemo({ env: tokenEnv('http://zenoti.example.com'), port: 0 }),
    ).rejects.toMatchObject({ code: 'INVALID_OPTIONS', field: 'baseUrl' });
    await expect(
      createNestDemo({ env: tokenEnv('http://127.0.0.1:9', { ZENOTI_APP_SECRET: undefined }), port: 0 }),
    ).rejects.toThrow(/ZENOTI_APP_SECRET/);
  });
});

describe('pnpm start (tsx: no decorator metadata)', () => {
  it('boots with an embedded mock Zenoti, serves, and stops on SIGTERM', async () => {
    const require = createRequire(import.meta.url);
    const tsx = require.resolve('tsx/cli');
    const cwd = fileURLToPath(new URL('..', import.meta.url));
    const child = spawn(process.execPath, [tsx, 'src/main.ts'], {
      cwd,
      env: { PATH: process.env.PATH ?? '', PORT: '0', QUIET: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      let output = '';
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no start-up line within 30 s:\n${output}`)), 30_000);
        const onData = (chunk: Buffer): void => {
          output += chunk.toString();
          const match = /nest-demo listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
          if (match?.[1]) {
            clearTimeout(timer);
            resolve(match[1]);
          }
        };
        child.stdout.on('data', onData);
        child.stderr.on('data', onData);
        child.on('exit', () => reject(new Error(`exited before start-up:\n${output}`)));
      });
      expect(output).toContain('embedded mock Zenoti');
      expect((await get(url, '/centers')).body).toMatchObject({ total: 3 });
      expect((await get(url, '/health')).body).toMatchObject({ info: { zenoti: { status: 'up' } } });
      expect((await get(url, '/token-status')).body).toMatchObject({
        mode: 'token',
        lastToken: { grant: 'password' },
      });
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });
});
