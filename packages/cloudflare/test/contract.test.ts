import { storeContract } from '@zenoti-auth/test-support/store-contract';
import { afterAll, beforeAll } from 'vitest';
import { bridgeStore } from './bridge-store.ts';
import { startFleet, type Workerd } from './workerd.ts';

// The store contract of every shared store (the Redis store runs it too), against the real
// Durable Object in workerd, through a worker that exposes a DurableObjectTokenStore over HTTP.
let workerd: Workerd;
beforeAll(async () => {
  workerd = await startFleet({});
});
afterAll(() => workerd?.close());

storeContract('DurableObjectTokenStore (one object per token key)', async () => bridgeStore(workerd.url), {
  lock: true,
  guards: true,
});

storeContract(
  'DurableObjectTokenStore (one named object, encrypted)',
  async () => bridgeStore(workerd.url, { name: 'contract', encrypted: true }),
  { lock: true, guards: true },
);
