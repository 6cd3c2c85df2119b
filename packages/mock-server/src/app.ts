import { Hono } from 'hono';
import { fingerprintAuthorization } from './authorization.ts';
import { createControl } from './control.ts';
import { registerControlRoutes } from './control-routes.ts';
import { answerFault, DroppedConnectionError } from './fault-answer.ts';
import { type RequestEndpoint, sleep } from './faults.ts';
import { registerLiveRoutes } from './live-routes.ts';
import { registerResourceRoutes } from './resource-routes.ts';
import { MockState } from './state.ts';
import { registerTokenRoutes } from './token-routes.ts';
import type { MockControl, MockZenotiOptions } from './types.ts';

/** Lower-cased path without query or trailing slash: Zenoti's paths match case-insensitively. */
function lowerPath(request: Request): string {
  const url = request.url;
  const start = url.indexOf('/', url.indexOf('://') + 3);
  if (start === -1) return '/';
  const end = url.indexOf('?', start);
  const path = (end === -1 ? url.slice(start) : url.slice(start, end)).toLowerCase();
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}

/**
 * `control`: the control routes (`/__mock/…`); `live`: the live page and its JSON (`/_mock/…`),
 * when the control routes are on (without them `/_mock` is a path like any other). Neither counts
 * anywhere, and the live page's polls are not logged either.
 */
function classify(method: string, path: string, live: boolean): RequestEndpoint | 'control' | 'live' {
  if (path === '/__mock' || path.startsWith('/__mock/')) return 'control';
  if (live && (path === '/_mock' || path.startsWith('/_mock/'))) return 'live';
  if (method === 'POST' && path === '/v1/tokens') return 'token';
  if (method === 'DELETE' && path === '/v1/tokens/sessions/revoke') return 'revoke';
  return 'resource';
}

/** The app, its control and its state (the state is internal: `startMockZenoti` needs its shutdown signal). */
export function buildMock(options: MockZenotiOptions = {}): {
  app: Hono;
  control: MockControl;
  state: MockState;
} {
  const state = new MockState(options);
  const control = createControl(state);
  const app = new Hono({ getPath: lowerPath });
  const { counters } = state;

  app.use(async (c, next) => {
    const started = performance.now();
    const endpoint = classify(c.req.method, c.req.path, state.options.controlRoutes);
    const rawPath = new URL(c.req.url).pathname;
    let status = 0;
    try {
      if (endpoint === 'control' || endpoint === 'live') {
        await next();
        status = c.res.status;
        return;
      }
      const live = counters.live;
      if (endpoint === 'token') live.token.total++;
      else if (endpoint === 'revoke') live.revoke.total++;
      else live.resources.total++;

      await sleep(state.latency.get(endpoint), [c.req.raw.signal, state.shutdown.signal]);
      const fault = state.faults.take(endpoint);
      if (fault) {
        if (endpoint === 'token') live.token.faulted++;
        else if (endpoint === 'revoke') live.revoke.faulted++;
        else live.resources.faulted++;
        const answer = await answerFault(c, fault, state.shutdown.signal);
        status = answer?.status ?? 0;
        // No answer reached the client (hang, drop): this response only ends Hono's handling.
        c.res = answer ?? new Response(null, { status: 503 });
      } else {
        await next();
        status = c.res.status;
        if (endpoint === 'resource') counters.resourceStatus(status);
      }
      // Like any server, the mock dates its answers by its own clock (clients use it to correct skew).
      if (status !== 0) c.res.headers.set('date', new Date(state.now()).toUTCString());
    } finally {
      if (endpoint !== 'control' && endpoint !== 'live') {
        const authorization = c.req.header('authorization');
        state.requests.add({
          at: state.now(),
          method: c.req.method,
          path: rawPath,
          status,
          ...(authorization === undefined ? {} : { authorization: fingerprintAuthorization(authorization) }),
          headerNames: [...c.req.raw.headers.keys()],
        });
      }
      const log = endpoint === 'live' ? undefined : state.options.log;
      if (log) {
        const line = `${c.req.method} ${rawPath} ${status || '-'} ${Math.round(performance.now() - started)}ms`;
        try {
          log(line);
        } catch {
          // A failing log sink must not break the answer.
        }
      }
    }
  });

  registerTokenRoutes(app, state);
  registerResourceRoutes(app, state);
  if (state.options.controlRoutes) {
    registerControlRoutes(app, control);
    registerLiveRoutes(app, state);
  }

  const notAllowed = (method: string): Response =>
    Response.json(
      { Message: `The requested resource does not support http method '${method}'.` },
      { status: 405 },
    );
  app.all('/v1/tokens', (c) => notAllowed(c.req.method));
  app.all('/v1/tokens/sessions/revoke', (c) => notAllowed(c.req.method));
  app.notFound((c) => c.json({ Message: 'No HTTP resource was found that matches the request URI.' }, 404));
  app.onError((error, c) => {
    if (error instanceof DroppedConnectionError) throw error;
    return c.json({ error: { code: 500, message: 'An error has occurred.' } }, 500);
  });
  return { app, control, state };
}

/**
 * A Zenoti imitation as a Hono app, for embedding or for `app.request()` in tests.
 *
 * @example
 * const { app, control } = createMockZenotiApp({ accessTokenTtlMs: 2_000 });
 * const res = await app.request('/v1/centers', { headers: { authorization: `apikey ${DEMO_CREDENTIALS.apiKey}` } });
 */
export function createMockZenotiApp(options: MockZenotiOptions = {}): { app: Hono; control: MockControl } {
  const { app, control } = buildMock(options);
  return { app, control };
}
