export type { DurableObjectRateBudgetOptions, DurableObjectTokenStoreOptions } from './options.ts';
export { DurableObjectRateBudget } from './rate-budget.ts';
export type { DurableObjectTokenStoreLock } from './store-lock.ts';
export { DurableObjectTokenStore } from './token-store.ts';
export type {
  DurableObjectIdLike,
  DurableObjectNamespaceLike,
  DurableObjectStateLike,
  DurableObjectStorageLike,
  DurableObjectStubLike,
  StubResponseLike,
} from './workers.ts';
export { ZenotiAuthObject } from './zenoti-auth-object.ts';
