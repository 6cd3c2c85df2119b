// `@zenoti-auth/core/proxy`: the browser proxy as a framework-neutral Web `Request → Response`
// handler; Hono's, Express's and Fastify's `zenotiProxy()` are thin skins over it.
// The layer owns the proxy's rules: path checks (path-guard.ts), the allow-list (allow-list.ts),
// header allow-lists (proxy-headers.ts), each client's fair share (fair-share.ts), redirect refusal
// and the error answers (error-answer.ts), which `@zenoti-auth/core/sign-in` shares. It imports
// only core's main entry (errors) and `/http` (the error table): its build makes them imports of
// those entries (see tsdown.config.ts), so an app holds one `ZenotiAuthError` class.
export {
  errorAnswerOf,
  type ZenotiAnswerCode,
  type ZenotiErrorAnswer,
  type ZenotiHandlerCaller,
} from './error-answer.ts';
export type { ZenotiProxyFairShare } from './fair-share.ts';
export type {
  ZenotiForRequest,
  ZenotiProxy,
  ZenotiProxyContext,
  ZenotiProxyOptions,
} from './proxy-options.ts';
export { createZenotiProxy } from './zenoti-proxy.ts';
