import type { Hono } from 'hono';
import { LIVE_PAGE_HEADERS, LIVE_PAGE_HTML } from './live-page.ts';
import { liveState } from './live-state.ts';
import { errorResponse } from './responses.ts';
import type { MockState } from './state.ts';

/**
 * The live page (`/_mock/`) and the JSON it polls (`/_mock/state.json`), mounted with the control
 * routes. Like them they count nowhere: not in counters, the request log, rate limits or the log.
 */
export function registerLiveRoutes(app: Hono, state: MockState): void {
  // Paths are matched lower-cased without a trailing slash: this is `/_mock` and `/_mock/`.
  app.get('/_mock', () => new Response(LIVE_PAGE_HTML, { status: 200, headers: LIVE_PAGE_HEADERS }));
  app.get('/_mock/state.json', (c) => {
    c.header('cache-control', 'no-store');
    c.header('x-content-type-options', 'nosniff');
    return c.json(liveState(state), 200);
  });
  app.all('/_mock/*', (c) => errorResponse(c, 404, 'Unknown live page route.'));
}
