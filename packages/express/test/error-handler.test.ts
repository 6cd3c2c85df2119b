import { ZenotiAuthError, type ZenotiAuthErrorCode } from '@zenoti-auth/core';
import { ERROR_ANSWERS } from '@zenoti-auth/core/http';
import { describe, expect, it, vi } from 'vitest';
import { type ZenotiErrorLog, zenotiAuth, zenotiErrorHandler } from '../src/index.ts';
import { EXPRESS_VERSIONS, type ExpressFactory } from './frameworks.ts';
import { D, listen, serviceUser, zenoti } from './support.ts';

/** Every core code and the status `@zenoti-auth/core/http` gives it. */
const TABLE: Array<[ZenotiAuthErrorCode, number]> = [
  ['LOGIN_REQUIRED', 401],
  ['RATE_LIMITED', 429],
  ['CREDENTIALS_REJECTED', 502],
  ['LOGIN_BLOCKED', 502],
  ['ACCOUNT_LOCKED', 502],
  ['UNAUTHORIZED', 502],
  ['INVALID_RESPONSE', 502],
  ['TOKEN_ENDPOINT', 502],
  ['NETWORK', 503],
  ['STORE', 503],
  ['ABORTED', 503],
  ['TIMEOUT', 504],
  ['INVALID_OPTIONS', 500],
];

/** An app whose GET /fail/:code throws that ZenotiAuthError (a message with a secret in it), and /other a plain Error. */
function failingApp(express: ExpressFactory, onError: (entry: ZenotiErrorLog) => void) {
  const app = express();
  app.get('/fail/:code', (req, _res, next) => {
    const code = req.params.code as ZenotiAuthErrorCode;
    next(
      new ZenotiAuthError(
        code,
        `details with ${D.apiKey}`,
        code === 'RATE_LIMITED' ? { retryAfterMs: 12_300 } : {},
      ),
    );
  });
  app.get('/other', () => {
    throw new Error('not ours');
  });
  app.get('/begun', (_req, res, next) => {
    res.write('partial');
    next(new ZenotiAuthError('NETWORK', 'after the answer began'));
  });
  app.use(zenotiErrorHandler({ onError }));
  // What the next error handler gets: anything zenotiErrorHandler() leaves alone.
  app.use(
    (
      error: Error,
      _req: unknown,
      res: { headersSent: boolean; status(n: number): { send(t: string): void }; end(): void },
      _next: unknown,
    ) => {
      if (res.headersSent) return res.end();
      res.status(599).send(`next handler: ${error.message}`);
    },
  );
  return app;
}

describe.each(EXPRESS_VERSIONS)('zenotiErrorHandler() on %s', (_version, express) => {
  it("answers every core code with @zenoti-auth/core/http's status and fixed message, never the error's own words", async () => {
    expect(TABLE.map(([code]) => code).sort()).toEqual(Object.keys(ERROR_ANSWERS).sort());
    const logged: string[] = [];
    const url = await listen(failingApp(express, (entry) => logged.push(`${entry.status} ${entry.code}`)));
    for (const [code, status] of TABLE) {
      const res = await fetch(`${url}/fail/${code}`);
      const text = await res.text();
      expect(res.status, code).toBe(status);
      expect(res.headers.get('content-type'), code).toMatch(/^application\/json/);
      expect(JSON.parse(text), code).toEqual({ error: { code, message: ERROR_ANSWERS[code][1] } });
      expect(text).not.toContain(D.apiKey);
      expect(res.headers.get('retry-after'), code).toBe(code === 'RATE_LIMITED' ? '13' : null);
    }
    // Told of every 5xx (the body says only a fixed message), of no 4xx.
    expect(logged).toEqual(TABLE.filter(([, s]) => s >= 500).map(([code, s]) => `${s} ${code}`));
  });

  it('passes other errors, and one whose answer has begun, to the next error handler', async () => {
    const url = await listen(failingApp(express, () => undefined));
    const other = await fetch(`${url}/other`);
    expect([other.status, await other.text()]).toEqual([599, 'next handler: not ours']);
    const begun = await fetch(`${url}/begun`);
    expect([begun.status, await begun.text()]).toEqual([200, 'partial']);
  });

  it("by default writes one line per 5xx, with the method and path but not the query or the error's secrets, and none for ABORTED", async () => {
    const lines: string[] = [];
    const spy = vi
      .spyOn(console, 'error')
      .mockImplementation((line: unknown) => void lines.push(String(line)));
    const app = express();
    app.get('/fail/:code', (req, _res, next) => {
      next(new ZenotiAuthError(req.params.code as ZenotiAuthErrorCode, 'Zenoti could not be reached.'));
    });
    app.use(zenotiErrorHandler());
    const url = await listen(app);
    await fetch(`${url}/fail/NETWORK?token=${D.apiKey}`);
    await fetch(`${url}/fail/ABORTED`);
    await fetch(`${url}/fail/LOGIN_REQUIRED`);
    spy.mockRestore();
    expect(lines).toEqual([
      '[@zenoti-auth/express] GET /fail/NETWORK answered 503 NETWORK: [@zenoti-auth/core] Zenoti could not be reached.',
    ]);
  });

  it("answers a real failure from Zenoti: a service user's rejected password is 502 CREDENTIALS_REJECTED", async () => {
    const z = await zenoti();
    z.control.setPassword(D.accountName, D.employee.username, 'Changed-Pass-3');
    const app = express();
    app.use(zenotiAuth(serviceUser(z.url, { retry: { retries: 0 } })));
    app.get('/centers', async (req, res, next) => {
      try {
        res.json(await (await req.zenoti.fetch('/v1/centers')).json());
      } catch (error) {
        next(error);
      }
    });
    const logged: ZenotiErrorLog[] = [];
    app.use(zenotiErrorHandler({ onError: (entry) => logged.push(entry) }));
    const res = await fetch(`${await listen(app)}/centers`);
    expect(res.status).toBe(502);
    expect(await res.json()).toEqual({
      error: { code: 'CREDENTIALS_REJECTED', message: ERROR_ANSWERS.CREDENTIALS_REJECTED[1] },
    });
    expect(logged).toMatchObject([{ status: 502, code: 'CREDENTIALS_REJECTED', field: undefined }]);
    expect(JSON.stringify(logged[0]?.message)).not.toContain(D.employee.password);
  });
});
