export { DEFAULTS } from './defaults.ts';
export {
  invalidOption,
  isZenotiAuthError,
  ZenotiAuthError,
  type ZenotiAuthErrorCode,
  type ZenotiAuthErrorOptions,
} from './errors.ts';
export type {
  ErrorEvent,
  InvalidatedEvent,
  PasswordExpiringEvent,
  RateLimitEvent,
  TokenEvent,
  WarningEvent,
  ZenotiAuthEvent,
  ZenotiAuthEventOf,
  ZenotiAuthEventType,
  ZenotiAuthListener,
} from './events.ts';
export {
  formatAuthorization,
  type ParsedAuthorization,
  parseAuthorization,
  redact,
  redactAuthorization,
  type ZenotiScheme,
} from './header.ts';
export type { LoginPolicy } from './login-policy.ts';
export { defaultTokenStore, MemoryTokenStore, type MemoryTokenStoreOptions } from './memory-store.ts';
export { isLoopbackHost } from './option-checks.ts';
export {
  type ApiKeyOptions,
  type AppOptions,
  DEFAULT_BASE_URL,
  type RateLimitPolicy,
  type RetryOptions,
  type ZenotiApp,
  type ZenotiAuthOptions,
  type ZenotiUser,
} from './options.ts';
export { type RateBudget, type RateReport, readRateReport } from './rate-budget.ts';
export { onCloudflareWorkers } from './runtime.ts';
export { checkGuard } from './stored-guard.ts';
export {
  callInfo,
  instrument,
  instrumentation,
  type ZenotiCallInfo,
  type ZenotiCallScope,
  type ZenotiInstrumentation,
  type ZenotiScope,
  type ZenotiStoreOperation,
} from './telemetry.ts';
export { type EpochMilliseconds, parseZenotiDate } from './time.ts';
export { FINAL_TOKEN_ERROR_CODES } from './token-failure.ts';
export type {
  MaybePromise,
  RefreshClaim,
  TokenGuard,
  TokenSet,
  TokenStore,
  TokenStoreLock,
  TokenStoreLockOptions,
} from './types.ts';
export { checkZenotiOptions } from './validate.ts';
export { type WarningListener, WarningRoute } from './warning-route.ts';
export {
  type AuthorizationOptions,
  isZenotiAuth,
  type LoginInput,
  type LoginResult,
  ZenotiAuth,
  type ZenotiCallOptions,
  type ZenotiRequestInit,
} from './zenoti-auth.ts';
