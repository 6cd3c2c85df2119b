/*
 * `@zenoti-auth/core/shared-store`: what the token stores and rate budgets that share state between
 * processes (`@zenoti-auth/redis`, `@zenoti-auth/cloudflare`) have in common, written once: one
 * option table (`option-table.ts`) and the stored form of a token set (`stored-set.ts`). An entry of
 * its own, for store and budget authors; apps never import it. It imports only the main entry's
 * errors and core's types.
 */
export {
  BUDGET_OPTION_RULES,
  DAY_MS,
  durationRule,
  type OptionRule,
  type OptionTable,
  resolveOptions,
  STORE_OPTION_RULES,
  wholeNumberRule,
} from './option-table.ts';
export {
  MAX_SET_CHARS,
  openTokenSet,
  type StoredSet,
  sealTokenSet,
  tokenSetProblem,
} from './stored-set.ts';
