import type { Permits, RateBudget } from '../rate-budget.ts';
import { PACED, processWide } from '../registry.ts';
import { PermitQueue } from './permit-queue.ts';

/** The queue of `budget`'s permits in this process, shared by every engine that uses the budget. */
function permitQueueOf(budget: RateBudget): Permits {
  return processWide('@zenoti-auth/core/v2/permit-queues', budget, () => new PermitQueue(budget));
}

/**
 * Lets engines pace their calls by `budget`: they take its permits through one fair queue per
 * budget in this process (token calls first, then sign-ins and other calls by turns; see
 * `PermitQueue`), which this entry keeps. `MemoryRateBudget`, `RedisRateBudget` and
 * `DurableObjectRateBudget` are paced when they are made; a budget of your own is given to this
 * once, in its constructor, or before it goes into `rateLimit.budget`. The budgets its
 * `forAccount()` returns need not be: engines take theirs through the same queues. Returns `budget`.
 *
 * @example
 * import { pacedBudget } from '@zenoti-auth/core/rate-budget';
 *
 * const zenoti = new ZenotiAuth({ apiKey, rateLimit: { budget: pacedBudget(myBudget) } });
 */
export function pacedBudget<B extends RateBudget>(budget: B): B {
  Object.defineProperty(budget, PACED, { value: permitQueueOf, configurable: true });
  return budget;
}
