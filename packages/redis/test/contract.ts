// The store contract is shared by every shared store's tests (Redis here, the Durable Object store in
// @zenoti-auth/cloudflare): it lives in @zenoti-auth/test-support.
export { type ContractOptions, storeContract, tokenSet } from '@zenoti-auth/test-support/store-contract';
