/*
 * `@zenoti-auth/core/rate-budget`: budgets that pace calls before Zenoti has to say 429, and the
 * fair queue through which engines take their permits. An entry of its own: an app without a
 * budget never loads it (the engine itself only reads Zenoti's rate-limit headers and waits out a
 * 429). It may import the engine's layers below it (errors, time, warnings, the `RateBudget`
 * contract in `../rate-budget.ts`); the engine reaches it only through a paced budget (`PACED`).
 */
export type { RateBudget, RateReport } from '../rate-budget.ts';
export { MemoryRateBudget, type MemoryRateBudgetOptions } from './memory-rate-budget.ts';
export { pacedBudget } from './paced-budget.ts';
