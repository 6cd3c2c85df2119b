import type { MockLiveRequest, MockLiveState, MockLiveWindow } from './live-types.ts';
import type { MockState } from './state.ts';

/** How many of the last requests the live page lists. */
export const LIVE_REQUESTS = 50;

/** Every organisation's rate-limit levels, in seed order. */
function windowsOf(state: MockState): MockLiveWindow[] {
  return [...state.directory.orgs.values()].flatMap((org) =>
    state.limiter.usage(org.accountName).map((level) => ({ accountName: org.accountName, ...level })),
  );
}

/**
 * What the live page shows, read from the mock's state without changing it (no call is counted).
 * Requests keep only what the request log keeps safely: the path without its query and the
 * authorization as its scheme plus a fingerprint; header names and bodies are left out.
 */
export function liveState(state: MockState): MockLiveState {
  const counters = state.counters.snapshot();
  const requests = state.requests.recent(LIVE_REQUESTS).map(
    ({ at, method, path, status, authorization }): MockLiveRequest => ({
      at,
      method,
      path,
      status,
      ...(authorization === undefined ? {} : { authorization }),
    }),
  );
  return {
    now: state.now(),
    windows: windowsOf(state),
    counters,
    summary: {
      rateLimited:
        counters.token.rateLimited + counters.revoke.rateLimited + (counters.resources.byStatus['429'] ?? 0),
      faulted: counters.token.faulted + counters.revoke.faulted + counters.resources.faulted,
    },
    requests,
  };
}
