// `@zenoti-auth/core/sign-in`: end-user sign-in as framework-neutral Web `Request → Response`
// handlers; Hono's, Express's and Fastify's `zenotiSignIn()` are thin skins over them.
// The layer owns the sign-in's rules: its options (sign-in-settings.ts), the signed session cookie
// (signed-cookie.ts, Web Crypto HMAC), the budget of failed sign-ins (sign-in-limit.ts), answers that
// must look like a wrong password (sign-in-refusal.ts), and the posted fields (sign-in-request.ts).
// It imports the proxy layer's error answers (bundled into this entry), core's main entry (errors)
// and `/http` (the error table); its build makes the last two imports of those entries.
export {
  errorAnswerOf,
  type ZenotiAnswerCode,
  type ZenotiErrorAnswer,
  type ZenotiHandlerCaller,
} from '../proxy/error-answer.ts';
export type { ZenotiSignInLimit } from './sign-in-limit.ts';
export type {
  ZenotiSession,
  ZenotiSessionCookieOptions,
  ZenotiSignInContext,
  ZenotiSignInEngine,
  ZenotiSignInHandlers,
  ZenotiSignInOptions,
  ZenotiSignInResolver,
} from './sign-in-options.ts';
export { createZenotiSignIn } from './zenoti-sign-in.ts';
