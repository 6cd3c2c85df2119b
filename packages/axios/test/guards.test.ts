import { ZenotiAuth, ZenotiAuthError, type ZenotiAuthErrorCode } from '@zenoti-auth/core';
import axios, { AxiosError, CanceledError } from 'axios';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  createZenotiAxios,
  ERR_ZENOTI_AUTH,
  isZenotiAxiosError,
  type ZenotiAxiosError,
} from '../src/index.ts';
import { closedPortUrl, D, guestApp, serviceUser, zenoti } from './support.ts';

/** What `request` rejects with (fails the test if it resolves). */
async function thrown(request: Promise<unknown>): Promise<unknown> {
  return request.then(
    () => {
      throw new Error('expected the request to fail');
    },
    (error: unknown) => error,
  );
}

describe('isZenotiAxiosError()', () => {
  it('recognises the ERR_ZENOTI_AUTH error of real requests, typed: the ZenotiAuthError as cause', async () => {
    const z = await zenoti();
    const wrongPassword = createZenotiAxios(
      serviceUser(z.url, { user: { username: D.employee.username, password: 'Wrong-Pass-1' } }),
    );
    const nobodySignedIn = createZenotiAxios(guestApp(z.url));
    const codes: ZenotiAuthErrorCode[] = [];
    for (const api of [wrongPassword, nobodySignedIn]) {
      const error = await thrown(api.get('/v1/centers'));
      if (!isZenotiAxiosError(error)) throw new Error(`not a ZenotiAxiosError: ${String(error)}`);
      // Narrowed without a cast: core's code and fields are at hand.
      expectTypeOf(error).toExtend<AxiosError>();
      expectTypeOf(error.cause).toExtend<ZenotiAuthError>();
      expectTypeOf(error.cause.code).toEqualTypeOf<ZenotiAuthErrorCode>();
      expectTypeOf(error.cause.retryAfterMs).toEqualTypeOf<number | undefined>();
      expectTypeOf(error.code).toExtend<'ERR_ZENOTI_AUTH'>();
      expect(error.code).toBe(ERR_ZENOTI_AUTH);
      expect(error.cause).toBeInstanceOf(ZenotiAuthError);
      codes.push(error.cause.code);
    }
    expect(codes).toEqual(['CREDENTIALS_REJECTED', 'LOGIN_REQUIRED']);
    expect(z.control.counters().resources.total).toBe(0);
    expectTypeOf<ZenotiAxiosError<{ centers: unknown[] }>['response']>().toExtend<
      { data: { centers: unknown[] } } | undefined
    >();
  });

  it("is false for axios' own errors (a 404, a refused connection), a cancel, core's error itself and look-alikes", async () => {
    const z = await zenoti();
    const api = createZenotiAxios({ apiKey: D.apiKey, baseUrl: z.url });
    const notFound = await thrown(api.get('/v1/no-such-thing'));
    const refused = await thrown(
      createZenotiAxios({ apiKey: D.apiKey, baseUrl: await closedPortUrl() }).get('/'),
    );
    expect([axios.isAxiosError(notFound), axios.isAxiosError(refused)]).toEqual([true, true]);
    const lookAlike = new AxiosError('no', ERR_ZENOTI_AUTH); // the code, but no ZenotiAuthError as cause
    const others = [
      notFound,
      refused,
      lookAlike,
      new CanceledError('stop'),
      new ZenotiAuthError('NETWORK', 'down'),
      undefined,
      null,
      ERR_ZENOTI_AUTH,
    ];
    for (const other of others) expect(isZenotiAxiosError(other), String(other)).toBe(false);
  });
});

describe('an aborted request is a CanceledError, whether its credential is at hand or awaited', () => {
  const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

  it('cached (API key, or a token already issued): aborted before it goes and while Zenoti answers', async () => {
    const z = await zenoti();
    const token = new ZenotiAuth(serviceUser(z.url));
    await token.authorization(); // the token is cached
    for (const [mode, api] of [
      ['API key', createZenotiAxios({ apiKey: D.apiKey, baseUrl: z.url })],
      ['token', createZenotiAxios(token)],
    ] as const) {
      const early = await thrown(api.get('/v1/centers', { signal: AbortSignal.abort() }));
      z.control.setLatency(5_000, 'resource');
      const controller = new AbortController();
      const pending = thrown(api.get('/v1/centers', { signal: controller.signal }));
      await sleep(100);
      controller.abort();
      const late = await pending;
      z.control.setLatency(0, 'resource');
      for (const error of [early, late]) {
        expect(axios.isCancel(error), `${mode}: ${String(error)}`).toBe(true);
        expect(error, mode).toMatchObject({ code: 'ERR_CANCELED' });
        expect(isZenotiAxiosError(error), mode).toBe(false);
      }
    }
    expect(z.control.counters().token.total).toBe(1);
  });

  it('awaited (the token is being issued): a CanceledError too, with core’s ABORTED as cause', async () => {
    const z = await zenoti();
    z.control.setLatency(5_000, 'token');
    const api = createZenotiAxios(serviceUser(z.url));
    const controller = new AbortController();
    const pending = thrown(api.get('/v1/centers', { signal: controller.signal }));
    await sleep(100);
    controller.abort();
    const error = await pending;
    expect(axios.isCancel(error)).toBe(true);
    expect(error).toMatchObject({
      code: 'ERR_CANCELED',
      cause: { name: 'ZenotiAuthError', code: 'ABORTED' },
    });
    expect(isZenotiAxiosError(error)).toBe(false);
    expect(z.control.counters().resources.total).toBe(0);
  });
});
